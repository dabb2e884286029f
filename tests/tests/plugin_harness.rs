//! Self-checks of the parity harness (they do not involve the plugin):
//! * the Rust rewrite oracle reproduces the committed `golden/reference-prefixed/` from `golden/reference/` byte for byte;
//! * the checked-in golden reference trees are what grpcio-tools generates today from the repo's corpora;
//! * the harness really detects a difference (a tampered tree fails with a useful report).

use e2e_tests::cache::locked_scratch;
use e2e_tests::compare::{assert_trees_equal, diff_trees, read_tree, report, Tree};
use e2e_tests::corpus::{golden_dir, Corpus};
use e2e_tests::oracle::{self, Mapping};
use e2e_tests::provision::python_tools;
use e2e_tests::reference::{generated_only, reference_tree};

fn core_mapping() -> Vec<Mapping> {
    vec![Mapping::new("ameide_core_proto", "ameide_sdk.proto")]
}

#[test]
fn oracle_reproduces_golden_reference_prefixed() {
    let reference = generated_only(&read_tree(&golden_dir("reference")));
    let expected = read_tree(&golden_dir("reference-prefixed"));
    assert_eq!(
        reference.len(),
        66,
        "golden reference: 22 protos x 3 outputs"
    );
    let actual = oracle::apply(&reference, &core_mapping());
    let (scratch, _guard) = locked_scratch("harness-oracle-golden");
    assert_trees_equal(
        "oracle(golden/reference) vs golden/reference-prefixed",
        &expected,
        &actual,
        &scratch.join("report.txt"),
    );
    // and the oracle changed exactly the files under the root that import or name root modules
    let changed: Vec<&String> = reference
        .keys()
        .filter(|k| reference[*k] != actual[&oracle::placed_path(k, &core_mapping())])
        .collect();
    assert!(
        changed.iter().all(|k| k.starts_with("ameide_core_proto/")),
        "{changed:?}"
    );
    assert!(changed.len() > 30, "{}", changed.len());
}

#[test]
fn oracle_without_matching_root_is_identity() {
    let reference = generated_only(&read_tree(&golden_dir("reference")));
    let actual = oracle::apply(&reference, &[Mapping::new("no_such_root", "x.y")]);
    assert!(diff_trees(&reference, &actual).is_empty());
}

#[test]
fn oracle_with_two_roots_touches_both() {
    let reference = generated_only(&read_tree(&golden_dir("reference")));
    let mut mappings = core_mapping();
    mappings.push(Mapping::new("thirdparty", "vendor.third"));
    let both = oracle::apply(&reference, &mappings);
    let core_only = oracle::apply(&reference, &core_mapping());
    // thirdparty files move, and root files that import thirdparty change further
    assert!(both.contains_key("vendor/third/thirdparty/acme/v1/acme_pb2.py"));
    assert!(!both.contains_key("thirdparty/acme/v1/acme_pb2.py"));
    let platform = "ameide_sdk/proto/ameide_core_proto/platform/v1/platform_pb2.py";
    let text = String::from_utf8(both[platform].clone()).expect("utf-8");
    assert!(text.contains("\nfrom vendor.third.thirdparty.acme.v1 import acme_pb2 as thirdparty_dot_acme_dot_v1_dot_acme__pb2\n"));
    assert_ne!(both[platform], core_only[platform]);
    // the serialized descriptor and the thirdparty aliases stay
    assert!(text.contains("thirdparty/acme/v1/acme.proto"));
}

/// The golden reference trees are what protoc generates now; the offline tests rely on them.
fn golden_matches_fresh_reference(corpus: Corpus, golden: &str) {
    let Some(py) = python_tools() else { return };
    let fresh = reference_tree(&py, &corpus);
    let golden_tree = generated_only(&read_tree(&golden_dir(golden)));
    let (scratch, _guard) = locked_scratch(&format!("harness-golden-{golden}"));
    assert_trees_equal(
        &format!(
            "fresh grpcio-tools reference of {} vs tests/golden/{golden}",
            corpus.name
        ),
        &golden_tree,
        &fresh,
        &scratch.join("report.txt"),
    );
}

#[test]
fn golden_reference_matches_protoc_corpus() {
    golden_matches_fresh_reference(Corpus::repo(), "reference");
}

#[test]
fn golden_reference_matches_protoc_extra() {
    golden_matches_fresh_reference(Corpus::extra(), "extra-reference");
}

#[test]
fn comparison_reports_a_tampered_tree() {
    let expected = generated_only(&read_tree(&golden_dir("reference")));
    let mut actual: Tree = expected.clone();
    let f = "ameide_core_proto/agents/v1/agents_pb2_grpc.py".to_string();
    let text = String::from_utf8(actual[&f].clone())
        .expect("utf-8")
        .replacen("GetAgent", "GetAgemt", 1);
    actual.insert(f.clone(), text.into_bytes());
    actual.remove("thirdparty/acme/v1/acme_pb2.pyi");
    actual.insert("stray_pb2.py".into(), b"x\n".to_vec());
    let diff = diff_trees(&expected, &actual);
    assert_eq!(diff.differing, std::slice::from_ref(&f));
    assert_eq!(diff.missing, ["thirdparty/acme/v1/acme_pb2.pyi"]);
    assert_eq!(diff.extra, ["stray_pb2.py"]);
    let r = report("tampered", &expected, &actual, &diff, Some(10));
    assert!(r.contains("1 differing, 1 missing, 1 extra"), "{r}");
    assert!(
        r.contains(&format!("first difference in {f} at line")),
        "{r}"
    );
    assert!(r.contains("GetAgemt"), "{r}");
    let panicked = std::panic::catch_unwind(|| {
        assert_trees_equal(
            "tampered",
            &expected,
            &actual,
            &locked_scratch("harness-tampered").0.join("report.txt"),
        )
    });
    assert!(panicked.is_err());
}
