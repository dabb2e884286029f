//! Grammar-aware mutations of a .proto token list: tokens and whole statements are dropped, duplicated, swapped
//! or replaced by values that sit on the edges of protoc's rules (numbers at range limits, keywords, labels,
//! types, editions, features, options), the value after a `:` or `=` is replaced by another value (scalars at
//! their edges, lists, message literals with extensions, Any and comments), and statements that exercise its
//! checks are inserted (custom options and features, declarations, groups, defaults, JSON names).

use crate::rng::Rng;
use crate::tokens::{tokenize, Kind, Token};

/// Numbers on the edges of protoc's checks.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "-1",
    "15",
    "16",
    "18999",
    "19000",
    "19999",
    "20000",
    "536870911",
    "536870912",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "0x7FFFFFFF",
    "0x80000000",
    "017",
    "08",
    "0x",
    "1e10",
    "1.5",
    "-0",
    "inf",
    "-inf",
    "nan",
    "max",
    "1e",
    "1.5.3",
    "0x1.5",
];

/// Words a .proto file is made of.
const WORDS: &[&str] = &[
    "syntax",
    "edition",
    "package",
    "import",
    "public",
    "weak",
    "option",
    "message",
    "enum",
    "service",
    "rpc",
    "returns",
    "stream",
    "extend",
    "extensions",
    "reserved",
    "to",
    "max",
    "oneof",
    "map",
    "group",
    "optional",
    "required",
    "repeated",
    "export",
    "local",
    "true",
    "false",
    "inf",
    "nan",
    "int32",
    "int64",
    "uint32",
    "uint64",
    "sint32",
    "sint64",
    "fixed32",
    "fixed64",
    "sfixed32",
    "sfixed64",
    "bool",
    "string",
    "bytes",
    "float",
    "double",
    "default",
    "json_name",
    "packed",
    "deprecated",
    "features",
    "allow_alias",
    "map_entry",
    "lazy",
    "ctype",
    "jstype",
    "retention",
    "targets",
    "declaration",
    "verification",
    "full_name",
    "type",
    "repeated",
    "feature_support",
    "edition_defaults",
    "EXPLICIT",
    "IMPLICIT",
    "LEGACY_REQUIRED",
    "OPEN",
    "CLOSED",
    "PACKED",
    "EXPANDED",
    "DELIMITED",
    "LENGTH_PREFIXED",
    "VERIFY",
    "NONE",
    "ALLOW",
    "LEGACY_BEST_EFFORT",
    "STYLE2024",
    "EXPORT_ALL",
    "UNVERIFIED",
    "DECLARATION",
    "EDITION_2023",
    "EDITION_2024",
    "EDITION_LEGACY",
];

/// String literals protoc gives a meaning to.
const STRINGS: &[&str] = &[
    "\"proto2\"",
    "\"proto3\"",
    "\"2023\"",
    "\"2024\"",
    "\"2025\"",
    "\"UNSTABLE\"",
    "\"\"",
    "\"x\"",
    "\"foo_bar\"",
    "\"fooBar\"",
    "\"[x]\"",
    "\"a\\0b\"",
    "\"\\xff\"",
    "\"\\u00e9\"",
    "\"not valid\"",
    "\"google/protobuf/descriptor.proto\"",
    "\"google/protobuf/any.proto\"",
    "\"nope.proto\"",
    "\".zz.ext\"",
    "\"zz.ext\"",
    "\".google.protobuf.Empty\"",
    "\"int32\"",
    "\"1\"",
    "\"true\"",
    "\"EXPLICIT\"",
    "'single'",
    "\"a\" \"b\"",
    "\"\\377\\000\"",
];

/// Values put after a `:` or `=` (option values, message-literal fields, defaults, feature values).
const VALUES: &[&str] = &[
    "true",
    "t",
    "False",
    "0",
    "-0",
    "-1",
    "0x7FFFFFFF",
    "-0x80000000",
    "18446744073709551615",
    "1e39",
    "-inf",
    "nan",
    "Infinity",
    "1.5",
    ".5",
    "\"\"",
    "\"x\" 'y'",
    "\"\\xff\"",
    "[]",
    "[1, 2]",
    "[{}, <>]",
    "[\"a\",]",
    "{}",
    "< >",
    "{ a: 1 }",
    "{ # comment\n}",
    "{ [type.googleapis.com/google.protobuf.Empty] {} }",
    "{ [zz.ext]: 1 }",
    "{ edition: EDITION_2023, value: \"true\" }",
    "{ number: 1, full_name: \".zz.ext\", type: \"int32\" }",
    "{ edition_introduced: EDITION_2023 edition_deprecated: EDITION_2024 deprecation_warning: \"w\" }",
    "EXPLICIT",
    "IMPLICIT",
    "LEGACY_REQUIRED",
    "DELIMITED",
    "CLOSED",
    "UNVERIFIED",
    "RETENTION_SOURCE",
    "TARGET_TYPE_FIELD",
    "EDITION_2024",
];

/// Statements inserted after `{`, `;` or `}`.
const SNIPPETS: &[&str] = &[
    "reserved 1 to 5;",
    "reserved 2, 15, 9 to 11;",
    "reserved 1 to max;",
    "reserved \"foo\", \"bar\";",
    "reserved foo;",
    "extensions 100 to 199;",
    "extensions 1000 to max;",
    "extensions 5;",
    "option features.field_presence = IMPLICIT;",
    "option features.field_presence = LEGACY_REQUIRED;",
    "option features.enum_type = CLOSED;",
    "option features.repeated_field_encoding = EXPANDED;",
    "option features.utf8_validation = NONE;",
    "option features.message_encoding = DELIMITED;",
    "option features.json_format = LEGACY_BEST_EFFORT;",
    "option features.enforce_naming_style = STYLE_LEGACY;",
    "option features.default_symbol_visibility = STRICT;",
    "option allow_alias = true;",
    "option deprecated = true;",
    "option map_entry = true;",
    "option message_set_wire_format = true;",
    "option optimize_for = LITE_RUNTIME;",
    "option java_package = \"x.y\";",
    "option (nope) = 1;",
    "int32 zz_a = 1;",
    "optional int32 zz_b = 2;",
    "required string zz_c = 3;",
    "repeated int64 zz_d = 4 [packed = true];",
    "string zz_e = 5 [json_name = \"zzE\"];",
    "int32 zz_f = 6 [default = 7];",
    "bytes zz_g = 19000;",
    "map<string, int32> zz_h = 7;",
    "map<float, int32> zz_i = 8;",
    "oneof zz_o { int32 zz_j = 9; }",
    "optional group Zz_grp = 10 { optional int32 zz_k = 11; }",
    "message ZzM {}",
    "message ZzN { ZzN self = 1; }",
    "enum ZzE { ZZ_E_ZERO = 0; ZZ_E_ONE = 1; }",
    "enum ZzF { ZZ_F_ONE = 1; }",
    "extend google.protobuf.MessageOptions { int32 zz_opt = 50000; }",
    "import \"google/protobuf/descriptor.proto\";",
    "import \"google/protobuf/empty.proto\";",
    "import public \"google/protobuf/any.proto\";",
    "package zz.pkg;",
    "service ZzS { rpc ZzGet(ZzM) returns (stream ZzM); }",
    "export message ZzX {}",
    "local enum ZzL { ZZ_L_0 = 0; }",
    "int32 zz_l = 12 [features.field_presence = EXPLICIT];",
    "ZzM zz_m = 13 [features.message_encoding = DELIMITED];",
    ";",
    "message ZzAgg { optional int32 a = 1; repeated string b = 2; map<string, int32> c = 3; optional ZzAgg d = 4; extensions 100 to 200; }",
    "extend google.protobuf.MessageOptions { optional ZzAgg zz_agg = 50001; }",
    "extend google.protobuf.FileOptions { repeated ZzAgg zz_aggs = 50002; }",
    "option (zz_agg) = { a: 1 b: [\"x\", \"y\"] c { key: \"k\" value: 2 } d < a: -3 > };",
    "option (zz_aggs) = { d { d { } } [zz.ext]: 5 };",
    "option (zz_agg).d.a = 7;",
    "option features.(pb.cpp).string_type = VIEW;",
    "import \"google/protobuf/cpp_features.proto\";",
    "extend google.protobuf.FeatureSet { optional ZzFeat zz_feat = 9999; }",
    "message ZzFeat { optional bool on = 1 [targets = TARGET_TYPE_FIELD, targets = TARGET_TYPE_FILE, feature_support = { edition_introduced: EDITION_2023 }, edition_defaults = { edition: EDITION_LEGACY, value: \"false\" }]; }",
    "option features.(zz_feat).on = true;",
    "int32 zz_n = 14 [features.(zz_feat).on = true];",
    "extensions 500 to 510 [declaration = { number: 500, full_name: \".zz.ext\", type: \"int32\" }];",
    "extensions 600 [verification = UNVERIFIED];",
    "extensions 700 to 710 [declaration = { number: 700, reserved: true }, verification = DECLARATION];",
    "extend ZzAgg { optional int32 ext = 100; }",
    "repeated group ZzRg = 15 { required int32 zz_q = 16; }",
    "optional float zz_fd = 17 [default = -inf];",
    "optional bytes zz_bd = 18 [default = \"\\377\"];",
    "optional string zz_sd = 19 [default = \"\\u00e9\"];",
    "optional ZzE zz_ed = 20 [default = ZZ_E_ONE];",
    "int32 zz_json = 21 [json_name = \"zzA\"];",
    "int32 zz_A = 22;",
    "int32 zzA = 23;",
    "option features.field_presence = EXPLICIT;",
    "option features.enforce_naming_style = STYLE2024;",
    "option deprecated_legacy_json_field_conflicts = true;",
    "import option \"google/protobuf/cpp_features.proto\";",
];

/// One mutation, named for the campaign log.
#[derive(Debug, Clone, Copy)]
pub enum Mutation {
    DropToken,
    DuplicateToken,
    SwapTokens,
    ReplaceNumber,
    ReplaceWord,
    ReplaceString,
    ReplaceValue,
    DropStatement,
    DuplicateStatement,
    InsertSnippet,
    ChangeHeader,
}

const ALL: &[Mutation] = &[
    Mutation::DropToken,
    Mutation::DuplicateToken,
    Mutation::SwapTokens,
    Mutation::ReplaceNumber,
    Mutation::ReplaceWord,
    Mutation::ReplaceString,
    Mutation::ReplaceValue,
    Mutation::DropStatement,
    Mutation::DuplicateStatement,
    Mutation::InsertSnippet,
    Mutation::ChangeHeader,
];

/// Applies 1 (60%), 2 (30%) or 3 random mutations to `source`; returns the mutant and what was applied.
pub fn mutate(source: &str, rng: &mut Rng) -> (String, Vec<Mutation>) {
    const COUNTS: [usize; 10] = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3];
    let mut tokens = tokenize(source);
    let mut applied = Vec::new();
    for _ in 0..COUNTS[rng.below(COUNTS.len())] {
        let mutation = ALL[rng.below(ALL.len())];
        if apply(&mut tokens, mutation, rng) {
            applied.push(mutation);
        }
    }
    (crate::tokens::render(&tokens), applied)
}

/// Indices of the non-trivia tokens.
fn significant(tokens: &[Token]) -> Vec<usize> {
    (0..tokens.len())
        .filter(|&i| tokens[i].kind != Kind::Trivia)
        .collect()
}

fn pick_of_kind(tokens: &[Token], kind: Kind, rng: &mut Rng) -> Option<usize> {
    let candidates: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].kind == kind)
        .collect();
    (!candidates.is_empty()).then(|| candidates[rng.below(candidates.len())])
}

fn apply(tokens: &mut Vec<Token>, mutation: Mutation, rng: &mut Rng) -> bool {
    let sig = significant(tokens);
    if sig.is_empty() {
        return false;
    }
    let any = sig[rng.below(sig.len())];
    match mutation {
        Mutation::DropToken => {
            tokens.remove(any);
        }
        Mutation::DuplicateToken => {
            let copy = tokens[any].clone();
            tokens.insert(any, Token::new(Kind::Trivia, " "));
            tokens.insert(any, copy);
        }
        Mutation::SwapTokens => {
            let Some(pos) = sig.iter().position(|&i| i == any) else {
                return false;
            };
            let Some(&next) = sig.get(pos + 1) else {
                return false;
            };
            tokens.swap(any, next);
        }
        Mutation::ReplaceNumber => {
            let Some(i) = pick_of_kind(tokens, Kind::Number, rng) else {
                return false;
            };
            tokens[i].text = NUMBERS[rng.below(NUMBERS.len())].to_string();
        }
        Mutation::ReplaceWord => {
            let Some(i) = pick_of_kind(tokens, Kind::Ident, rng) else {
                return false;
            };
            tokens[i].text = if rng.below(3) == 0 {
                // another identifier of the same file: names that resolve, clash or shadow
                let j = pick_of_kind(tokens, Kind::Ident, rng).unwrap_or(i);
                tokens[j].text.clone()
            } else {
                WORDS[rng.below(WORDS.len())].to_string()
            };
        }
        Mutation::ReplaceString => {
            let Some(i) = pick_of_kind(tokens, Kind::Str, rng) else {
                return false;
            };
            tokens[i].text = STRINGS[rng.below(STRINGS.len())].to_string();
        }
        Mutation::ReplaceValue => {
            // a token right after `:` or `=`: an option value, a literal field's value, a default
            let values: Vec<usize> = sig
                .windows(2)
                .filter(|w| tokens[w[0]].is(":") || tokens[w[0]].is("="))
                .map(|w| w[1])
                .collect();
            if values.is_empty() {
                return false;
            }
            let i = values[rng.below(values.len())];
            let value = VALUES[rng.below(VALUES.len())];
            tokens.splice(i..=i, tokenize(value));
        }
        Mutation::DropStatement => {
            let (start, end) = statement_at(tokens, rng);
            tokens.drain(start..end);
        }
        Mutation::DuplicateStatement => {
            let (start, end) = statement_at(tokens, rng);
            let copy: Vec<Token> = tokens[start..end].to_vec();
            tokens.splice(
                end..end,
                std::iter::once(Token::new(Kind::Trivia, "\n")).chain(copy),
            );
        }
        Mutation::InsertSnippet => {
            let boundaries: Vec<usize> = sig
                .iter()
                .copied()
                .filter(|&i| tokens[i].is(";") || tokens[i].is("{") || tokens[i].is("}"))
                .collect();
            let at = if boundaries.is_empty() {
                0
            } else {
                boundaries[rng.below(boundaries.len())] + 1
            };
            let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
            let mut inserted = vec![Token::new(Kind::Trivia, "\n")];
            inserted.extend(tokenize(snippet));
            tokens.splice(at..at, inserted);
        }
        Mutation::ChangeHeader => change_header(tokens, rng),
    }
    true
}

/// A random statement: from a token right after `;`, `{` or `}` (or the first token) to its `;` or the end
/// of its `{ ... }` block, as a token range.
fn statement_at(tokens: &[Token], rng: &mut Rng) -> (usize, usize) {
    let sig = significant(tokens);
    let starts: Vec<usize> = sig
        .iter()
        .enumerate()
        .filter(|&(k, _)| {
            k == 0 || {
                let prev = &tokens[sig[k - 1]];
                prev.is(";") || prev.is("{") || prev.is("}")
            }
        })
        .map(|(_, &i)| i)
        .filter(|&i| !tokens[i].is("}"))
        .collect();
    let Some(&start) = starts.get(rng.below(starts.len().max(1))) else {
        return (0, 0);
    };
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(start) {
        if token.is("{") {
            depth += 1;
        } else if token.is("}") {
            match depth {
                0 => return (start, i),
                1 => return (start, i + 1),
                _ => depth -= 1,
            }
        } else if token.is(";") && depth == 0 {
            return (start, i + 1);
        }
    }
    (start, tokens.len())
}

/// Replaces the `syntax = ...;` / `edition = ...;` statement (or adds one) with another header.
fn change_header(tokens: &mut Vec<Token>, rng: &mut Rng) {
    const HEADERS: &[&str] = &[
        "syntax = \"proto2\";",
        "syntax = \"proto3\";",
        "edition = \"2023\";",
        "edition = \"2024\";",
        "",
    ];
    let header = tokenize(HEADERS[rng.below(HEADERS.len())]);
    let first = significant(tokens).into_iter().next();
    let existing = first.filter(|&i| tokens[i].is("syntax") || tokens[i].is("edition"));
    match existing {
        Some(start) => {
            let end = (start..tokens.len())
                .find(|&i| tokens[i].is(";"))
                .map_or(tokens.len(), |i| i + 1);
            tokens.splice(start..end, header);
        }
        None => {
            tokens.splice(0..0, header);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "syntax = \"proto3\";\npackage p;\nmessage M {\n  int32 a = 1;\n  repeated string b = 2;\n  message N { bool c = 3; }\n}\nenum E { E_ZERO = 0; }\n";

    #[test]
    fn mutants_differ_and_are_reproducible() {
        let mut changed = 0;
        for seed in 0..200 {
            let (a, applied) = mutate(SEED, &mut Rng::new(seed));
            let (b, _) = mutate(SEED, &mut Rng::new(seed));
            assert_eq!(a, b, "same seed, same mutant");
            if !applied.is_empty() && a != SEED {
                changed += 1;
            }
        }
        assert!(
            changed > 150,
            "only {changed} of 200 mutants changed the file"
        );
    }

    #[test]
    fn statements_are_whole() {
        let tokens = tokenize(SEED);
        for seed in 0..50 {
            let (start, end) = statement_at(&tokens, &mut Rng::new(seed));
            let text = crate::tokens::render(&tokens[start..end]);
            let opens = text.matches('{').count();
            assert_eq!(opens, text.matches('}').count(), "{text:?}");
            assert!(text.ends_with(';') || text.ends_with('}'), "{text:?}");
        }
    }
}
