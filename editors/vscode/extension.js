// wdb for VS Code: runs `wdb dap` (a Debug Adapter Protocol server on stdin/stdout) for
// debug sessions of type "wdb". Plain JavaScript, no build step, no dependencies.
'use strict';

const path = require('path');
const vscode = require('vscode');

/** The wdb binary from the `wdb.path` setting: a bare name is looked up on PATH, a relative
 *  path is taken relative to the session's workspace folder. */
function wdbPath(session) {
    const configured = (vscode.workspace.getConfiguration('wdb').get('path') || 'wdb').trim() || 'wdb';
    const folder = session && session.workspaceFolder;
    const isBareName = !configured.includes('/') && !configured.includes('\\');
    if (isBareName || path.isAbsolute(configured) || !folder || folder.uri.scheme !== 'file') {
        return configured;
    }
    return path.join(folder.uri.fsPath, configured);
}

class WdbAdapterFactory {
    createDebugAdapterDescriptor(session) {
        return new vscode.DebugAdapterExecutable(wdbPath(session), ['dap']);
    }
}

function activate(context) {
    context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory('wdb', new WdbAdapterFactory()));
}

function deactivate() {}

module.exports = { activate, deactivate };
