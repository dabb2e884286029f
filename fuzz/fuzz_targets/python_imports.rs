//! `imports` on arbitrary bytes: scanning never panics, and whenever a fix is made it keeps the token stream
//! but for the inserted prefixes, and a second scan finds nothing fixable (`e2e_tests::imports::check_fix`).
#![no_main]

use e2e_tests::imports::{check_fix, TestRule};
use libfuzzer_sys::fuzz_target;
use py_imports::{position, Scanner};

fuzz_target!(|data: &[u8]| {
    let scanner = Scanner::new(TestRule::default());
    let report = scanner.scan(data);
    for offset in report.imports.iter().map(|i| i.offset).chain(report.error.iter().map(|e| e.offset)) {
        let _ = position(data, offset);
    }
    if let Err(why) = check_fix(data, &report, &scanner) {
        panic!("{why}");
    }
});
