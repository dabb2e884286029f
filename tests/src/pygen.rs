//! Random Python programs (valid for Python 3.11) for the property tests of `imports`: import statements of every
//! form the checker knows — module paths under the mapped roots, the protobuf runtime, already prefixed, other
//! packages, relative — placed at top level, in function and class bodies, under `if TYPE_CHECKING:`, after `;`
//! and `:` on one line, written with odd spacing, continuation lines, parentheses and comments; between them
//! strings and comments that contain import text, f-strings, brackets spanning lines, and uses of the names bare
//! imports bind. Deterministic for a seed.

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const MODULES: &[&str] = &[
    "ameide_core_proto.inference.v1",
    "ameide_core_proto.inference.v1.inference_pb2",
    "ameide_core_proto.common.v1",
    "ameide_core_proto",
    "google.cloud.speech.v1",
    "google.protobuf",
    "ameide_sdk.proto.ameide_core_proto.common.v1",
    "ameide_core_protox.v1",
    "os.path",
    "collections",
];

/// `a.b.c` written with the spacing and continuation lines Python allows between the names.
fn dotted(rng: &mut Rng, module: &str) -> String {
    let mut out = String::new();
    for (i, part) in module.split('.').enumerate() {
        if i > 0 {
            out.push_str(rng.pick(&[".", ".", ".", " . ", " \\\n    .", ".\\\n"]));
        }
        out.push_str(part);
    }
    out
}

fn import_statement(rng: &mut Rng) -> String {
    let module = rng.pick(MODULES);
    match rng.below(7) {
        0 => format!("import {}", dotted(rng, module)),
        1 => format!("import {} as m{}", dotted(rng, module), rng.below(9)),
        2 => format!(
            "import sys, {} as m{}, os",
            dotted(rng, module),
            rng.below(9)
        ),
        3 => format!("from {} import name{}", dotted(rng, module), rng.below(9)),
        4 => format!(
            "from {}{}import (\n    a,  # first\n    b as c{}\n)",
            dotted(rng, module),
            rng.pick(&[" ", " \\\n    "]),
            rng.pick(&["", ","])
        ),
        5 => format!("from {} import *", dotted(rng, module)),
        _ => format!(
            "from {}{} import name",
            rng.pick(&[".", "..", "...", ". "]),
            dotted(rng, module)
        ),
    }
}

/// A statement that is not an import but may look like one.
fn noise(rng: &mut Rng) -> String {
    let text = rng.pick(&[
        "from ameide_core_proto.inference.v1 import inference_pb2",
        "import ameide_core_proto.common.v1",
        "ameide_core_proto.common.v1.common_pb2",
    ]);
    match rng.below(12) {
        0 => format!("# {text}"),
        1 => format!("s = '{text}'"),
        2 => format!("s = \"\"\"\n{text}\n\"\"\""),
        3 => format!("s = r'{text} \\' x'"),
        4 => format!("s = b\"{text}\""),
        5 => format!("s = f\"{{'{text}'!r:>{{10}}}} {{{{{text}}}}}\""),
        6 => format!("mock.patch('{text}')"),
        7 => "value = ameide_core_proto.common.v1.common_pb2.RequestContext".to_string(),
        8 => "data = {\n    'import': [1,\n             2],\n}".to_string(),
        9 => "f = lambda: (yield)".to_string(),
        10 => format!("x = 1; s = '{text}' ;y = 2"),
        _ => "raise ValueError('x') from None".to_string(),
    }
}

fn indent(block: &str, by: &str) -> String {
    block.lines().map(|l| format!("{by}{l}\n")).collect()
}

/// One statement (an import or noise), placed in one of the positions imports can take.
fn placed(rng: &mut Rng) -> String {
    let statement = if rng.chance(60) {
        import_statement(rng)
    } else {
        noise(rng)
    };
    // continuation lines make a statement multi-line: only single-line ones go after `:` or `;`
    let single_line = !statement.contains('\n');
    // `import *` is only allowed at module level
    let in_body = !statement.ends_with("import *");
    match rng.below(7) {
        0 if in_body => format!(
            "def f{}():\n{}    return None\n",
            rng.below(99),
            indent(&statement, "    ")
        ),
        1 if in_body => format!(
            "class C{}:\n{}    pass\n",
            rng.below(99),
            indent(&statement, "    ")
        ),
        2 => format!("if TYPE_CHECKING:\n{}\tpass\n", indent(&statement, "\t")),
        3 if single_line && !statement.starts_with('#') => {
            format!("if TYPE_CHECKING: {statement}\n")
        }
        4 if single_line => format!("pass; {statement}\n"),
        5 => format!(
            "try:\n{}  pass\nexcept ImportError:\n    pass\n",
            indent(&statement, "  ")
        ),
        _ => format!("{statement}\n"),
    }
}

/// A program of a few dozen statements.
pub fn program(rng: &mut Rng) -> Vec<u8> {
    let mut src = String::new();
    if rng.chance(30) {
        src.push_str("\"\"\"A module docstring naming ameide_core_proto.inference.v1.\"\"\"\n");
    }
    src.push_str("from typing import TYPE_CHECKING\nfrom unittest import mock\n");
    for _ in 0..(3 + rng.below(25)) {
        src.push_str(&placed(rng));
    }
    let mut bytes = if rng.chance(10) {
        src.replace('\n', "\r\n").into_bytes()
    } else {
        src.into_bytes()
    };
    if rng.chance(5) {
        bytes.splice(0..0, *b"\xef\xbb\xbf");
    }
    bytes
}
