//! Chooses the dispatch back end: handlers tail-call the next handler when the optimizer is
//! known to turn those calls into jumps (opt-level 2, 3, s, z); otherwise a driver loop calls
//! each handler and handlers return the next op (debug builds, where tail calls are not
//! optimized and would overflow the native stack).
fn main() {
    println!("cargo::rustc-check-cfg=cfg(wdb_tail)");
    println!("cargo::rerun-if-env-changed=WDB_DISPATCH");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let forced = std::env::var("WDB_DISPATCH").unwrap_or_default();
    let tail = match forced.as_str() {
        "loop" => false,
        "tail" => true,
        _ => {
            matches!(opt.as_str(), "2" | "3" | "s" | "z")
                && matches!(arch.as_str(), "x86_64" | "aarch64")
        }
    };
    if tail {
        println!("cargo::rustc-cfg=wdb_tail");
    }
}
