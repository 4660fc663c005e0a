//! The symbols of the C/C++ guests in tests/guests.

use wdb_symbols::Symbols;

fn load(name: &str) -> Symbols {
    let path = format!(
        "{}/../../tests/guests/build/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap();
    Symbols::new(&bytes, &|_| None)
}

#[test]
fn lines_and_functions_of_vars() {
    let s = load("vars.O0.wasm");
    assert!(s.has_dwarf());
    let t = std::time::Instant::now();
    let sites = s.line_sites("vars.c", 57);
    eprintln!("line_sites {:?}", t.elapsed());
    assert_eq!(sites.len(), 1, "{sites:?}");
    let site = &sites[0];
    assert_eq!(site.loc.line, 57);
    assert_eq!(site.loc.file, "vars.c");
    let row = s.line_row(site.pc).unwrap();
    assert_eq!(row.loc.line, 57);
    let frames = s.frames(site.pc);
    eprintln!("{frames:?}");
    let t = std::time::Instant::now();
    let main = s.function_sites("main");
    eprintln!("function_sites {:?}", t.elapsed());
    eprintln!("{main:?}");
    assert!(!main.is_empty());
    let loc = main[0].loc.clone().unwrap();
    assert_eq!(loc.file, "vars.c");
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}
