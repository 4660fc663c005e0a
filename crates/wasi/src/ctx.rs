//! The WASI context: arguments, environment, standard streams, preopened directories, clocks,
//! randomness; and the builder that makes it.

use std::fmt;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use cap_rand::RngCore;

use crate::clocks::Clocks;
use crate::error::Error;
use crate::table::{Descriptor, DirDesc, Entry, FdTable};

/// Where the guest's stdin comes from.
pub(crate) enum Input {
    /// The host process's stdin, read unbuffered.
    Inherit,
    Custom(Box<dyn Read>),
}

impl Input {
    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, Input::Inherit) && io::stdin().is_terminal()
    }

    /// One read (may be short; blocks until some input or end of file).
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let r = match self {
                Input::Inherit => read_host_stdin(buf),
                Input::Custom(r) => r.read(buf),
            };
            match r {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => return r,
            }
        }
    }
}

/// Reads the host's stdin without going through std's buffer, so that `poll_oneoff` on the fd
/// sees exactly the input the guest has not read yet.
#[cfg(unix)]
fn read_host_stdin(buf: &mut [u8]) -> io::Result<usize> {
    use std::os::fd::AsFd;
    let stdin = io::stdin();
    Ok(rustix::io::read(stdin.as_fd(), buf)?)
}

#[cfg(not(unix))]
fn read_host_stdin(buf: &mut [u8]) -> io::Result<usize> {
    io::stdin().read(buf)
}

/// Where the guest's stdout or stderr goes.
pub(crate) enum Output {
    Stdout,
    Stderr,
    Custom(Box<dyn Write>),
}

impl Output {
    pub(crate) fn is_terminal(&self) -> bool {
        match self {
            Output::Stdout => io::stdout().is_terminal(),
            Output::Stderr => io::stderr().is_terminal(),
            Output::Custom(_) => false,
        }
    }

    /// Writes all of `bufs` and flushes, so that the guest's output and the host's own stay in
    /// order. Returns the number of bytes written.
    pub(crate) fn write(&mut self, bufs: &[&[u8]]) -> io::Result<usize> {
        fn all(w: &mut dyn Write, bufs: &[&[u8]]) -> io::Result<usize> {
            let mut n = 0;
            for b in bufs {
                w.write_all(b)?;
                n += b.len();
            }
            w.flush()?;
            Ok(n)
        }
        match self {
            Output::Stdout => all(&mut io::stdout().lock(), bufs),
            Output::Stderr => all(&mut io::stderr().lock(), bufs),
            Output::Custom(w) => all(w, bufs),
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout => io::stdout().flush(),
            Output::Stderr => io::stderr().flush(),
            Output::Custom(w) => w.flush(),
        }
    }
}

/// An in-memory sink for the guest's stdout or stderr, shareable with the embedder (tests, the
/// DAP server's output events): clone it, give one clone to [`WasiCtxBuilder::stdout`] and read
/// the other.
///
/// ```
/// use wdb_wasi::{OutputBuffer, WasiCtx};
/// let out = OutputBuffer::new();
/// let ctx = WasiCtx::builder().stdout(Box::new(out.clone())).build();
/// assert!(out.contents().is_empty());
/// # drop(ctx);
/// ```
#[derive(Debug, Clone, Default)]
pub struct OutputBuffer(Arc<Mutex<Vec<u8>>>);

impl OutputBuffer {
    /// An empty buffer.
    pub fn new() -> OutputBuffer {
        OutputBuffer::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.contents()).into_owned()
    }

    /// Takes everything written so far, leaving the buffer empty.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for OutputBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The state behind the `wasi_snapshot_preview1` imports of one guest program.
///
/// Made by [`WasiCtx::builder`]; shared with the host functions through
/// [`add_to_linker`](crate::add_to_linker).
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    /// `KEY=VALUE` strings.
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) stdin: Input,
    pub(crate) stdout: Output,
    pub(crate) stderr: Output,
    pub(crate) table: FdTable,
    pub(crate) clocks: Clocks,
    pub(crate) rng: Box<dyn RngCore>,
}

impl fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WasiCtx")
            .field(
                "args",
                &self
                    .args
                    .iter()
                    .map(|a| String::from_utf8_lossy(a))
                    .collect::<Vec<_>>(),
            )
            .field("env", &self.env.len())
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

impl WasiCtx {
    /// A builder with no arguments, no environment, no preopens and inherited stdio.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// Flushes the guest's stdout and stderr. `proc_exit` does this itself; call it when the
    /// program returns from `_start` or traps.
    ///
    /// # Errors
    ///
    /// The error of the first stream that fails to flush.
    pub fn flush(&mut self) -> io::Result<()> {
        let out = self.stdout.flush();
        let err = self.stderr.flush();
        out.and(err)
    }
}

/// Builds a [`WasiCtx`].
///
/// ```
/// use wdb_wasi::WasiCtx;
/// let ctx = WasiCtx::builder()
///     .args(&["prog.wasm".to_string(), "--verbose".to_string()])
///     .env("HOME", "/")
///     .preopen_dir(std::env::temp_dir(), "/tmp")
///     .expect("temp dir exists")
///     .build();
/// # drop(ctx);
/// ```
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<(Vec<u8>, Vec<u8>)>,
    stdin: Input,
    stdout: Output,
    stderr: Output,
    preopens: Vec<(cap_std::fs::Dir, String)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Input::Inherit,
            stdout: Output::Stdout,
            stderr: Output::Stderr,
            preopens: Vec::new(),
        }
    }
}

impl fmt::Debug for WasiCtxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WasiCtxBuilder")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field(
                "preopens",
                &self.preopens.iter().map(|(_, g)| g).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl WasiCtxBuilder {
    /// Sets the program arguments (`argv[0]` included), replacing earlier ones.
    pub fn args(mut self, args: &[String]) -> Self {
        self.args = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        self
    }

    /// Sets environment variable `key` to `value` (replacing an earlier value of `key`).
    pub fn env(self, key: &str, value: &str) -> Self {
        self.env_bytes(key.as_bytes(), value.as_bytes())
    }

    fn env_bytes(mut self, key: &[u8], value: &[u8]) -> Self {
        match self.env.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_vec(),
            None => self.env.push((key.to_vec(), value.to_vec())),
        }
        self
    }

    /// Adds the host process's environment variables (later [`env`](Self::env) calls override
    /// them).
    pub fn inherit_env(mut self) -> Self {
        for (k, v) in std::env::vars_os() {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStrExt;
                self = self.env_bytes(k.as_bytes(), v.as_bytes());
            }
            #[cfg(not(unix))]
            {
                self = self.env_bytes(
                    k.to_string_lossy().as_bytes(),
                    v.to_string_lossy().as_bytes(),
                );
            }
        }
        self
    }

    /// Gives the guest the host directory `host` as the preopened directory named `guest`. The
    /// guest can reach everything below it and nothing outside it. Preopens get fds 3, 4, ... in
    /// the order they are added.
    ///
    /// # Errors
    ///
    /// [`Error::Preopen`] if `host` cannot be opened as a directory (missing, not a directory, no
    /// permission).
    pub fn preopen_dir(mut self, host: impl AsRef<Path>, guest: &str) -> Result<Self, Error> {
        let host = host.as_ref();
        let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority()).map_err(
            |source| Error::Preopen {
                host: host.to_path_buf(),
                source,
            },
        )?;
        self.preopens.push((dir, guest.to_string()));
        Ok(self)
    }

    /// Reads the guest's stdin from `r` instead of the host's stdin.
    pub fn stdin(mut self, r: Box<dyn Read>) -> Self {
        self.stdin = Input::Custom(r);
        self
    }

    /// Sends the guest's stdout to `w` instead of the host's stdout. Every `fd_write` is written
    /// completely and then flushed.
    pub fn stdout(mut self, w: Box<dyn Write>) -> Self {
        self.stdout = Output::Custom(w);
        self
    }

    /// Sends the guest's stderr to `w` instead of the host's stderr.
    pub fn stderr(mut self, w: Box<dyn Write>) -> Self {
        self.stderr = Output::Custom(w);
        self
    }

    /// Makes the context.
    pub fn build(self) -> WasiCtx {
        let mut table = FdTable::default();
        let stdio = [Descriptor::Stdin, Descriptor::Stdout, Descriptor::Stderr];
        let preopens = self.preopens.into_iter().map(|(dir, guest)| {
            Descriptor::Dir(DirDesc {
                dir,
                preopen: Some(guest),
                listing: None,
            })
        });
        for desc in stdio.into_iter().chain(preopens) {
            // An empty table has room for any number of entries: fds are u32 and the table is
            // filled in order.
            let _ = table.push(Entry::new(desc));
        }
        WasiCtx {
            args: self.args,
            env: self
                .env
                .into_iter()
                .map(|(mut k, v)| {
                    k.push(b'=');
                    k.extend_from_slice(&v);
                    k
                })
                .collect(),
            stdin: self.stdin,
            stdout: self.stdout,
            stderr: self.stderr,
            table,
            clocks: Clocks::new(),
            rng: Box::new(cap_rand::std_rng_from_os_rng(cap_rand::ambient_authority())),
        }
    }
}
