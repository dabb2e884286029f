use super::*;

fn p(s: &str) -> ProtocVersion {
    s.parse().expect("supported protoc")
}

fn g(s: &str) -> GrpcVersion {
    s.parse().expect("supported grpc")
}

fn gencode(s: &str) -> String {
    p(s).gencode().expect("gencode").to_string()
}

#[test]
fn gencode_major_per_release_line() {
    // protobuf's Python major per protoc line: 26–29 → 5, 30–33 → 6, 34–36 → 7; minor.patch are protoc's own.
    assert_eq!(gencode("27.0"), "5.27.0");
    assert_eq!(gencode("27.2"), "5.27.2");
    assert_eq!(gencode("28.1"), "5.28.1");
    assert_eq!(gencode("29.6"), "5.29.6");
    assert_eq!(gencode("30.0"), "6.30.0");
    assert_eq!(gencode("31.1"), "6.31.1");
    assert_eq!(gencode("32.1"), "6.32.1");
    assert_eq!(gencode("33.0"), "6.33.0");
    assert_eq!(gencode("33.5"), "6.33.5");
    assert_eq!(gencode("34.0"), "7.34.0");
    assert_eq!(gencode("35.1"), "7.35.1");
    assert_eq!(gencode("36.2"), "7.36.2");
}

#[test]
fn default_target_is_the_reference() {
    let t = Target::default();
    assert_eq!(t.py.gencode.to_string(), "7.35.1");
    assert_eq!(t.pyi, p("35.1").pyi_format());
    assert_eq!(t.grpc, g("1.85.1").format());
    assert_eq!(
        Target::resolve(None, None, DEFAULT_GRPC, DEFAULT_MYPY_PROTOBUF),
        Ok(t)
    );
}

#[test]
fn pyi_epochs() {
    let a = PyiFormat::default();
    let b = PyiFormat {
        collections_abc: true,
        self_underscore: true,
        ..a
    };
    let c = PyiFormat {
        datetime_unions: true,
        ..b
    };
    let d = PyiFormat {
        import_datetime: true,
        ..c
    };
    let e = PyiFormat {
        optional_bool: true,
        ..d
    };
    let f = PyiFormat {
        empty_slots: true,
        ..e
    };
    for (versions, epoch) in [
        (&["27.0", "27.5", "28.3", "29.0", "29.6"][..], a),
        (&["30.0", "30.1", "30.2"], b),
        (&["31.0"], c),
        (&["31.1"], d),
        (
            &[
                "32.0", "32.1", "33.3", "33.4", "33.6", "34.0", "35.1", "36.2",
            ],
            e,
        ),
        (&["33.0", "33.1", "33.2"], f),
    ] {
        for v in versions {
            assert_eq!(p(v).pyi_format(), epoch, "protoc {v}");
        }
    }
}

#[test]
fn grpc_epochs() {
    for (versions, plain_string, no_object_base) in [
        (&["1.66.0", "1.66.2", "1.71.2", "1.75.1"][..], false, false),
        (&["1.76.0", "1.78.2", "1.80.1"], true, false),
        (&["1.81.0", "1.81.1", "1.82.3", "1.85.1"], true, true),
    ] {
        for v in versions {
            let format = g(v).format();
            assert_eq!(
                (format.plain_string, format.no_object_base),
                (plain_string, no_object_base),
                "grpcio-tools {v}"
            );
            assert_eq!(format.version.to_string(), *v);
        }
    }
}

#[test]
fn supported_ranges() {
    for bad in [
        "26.1", "27.6", "32.2", "33.7", "36.3", "37.0", "25.1", "3.21",
    ] {
        assert_eq!(
            bad.parse::<ProtocVersion>(),
            Err(VersionError::UnsupportedProtoc(bad.into())),
            "{bad}"
        );
    }
    for bad in ["33", "33.0.0", "v33.0", "33.", ".0", "33.x", "+33.0", ""] {
        assert_eq!(
            bad.parse::<ProtocVersion>(),
            Err(VersionError::ProtocSyntax(bad.into())),
            "{bad}"
        );
    }
    for bad in ["1.65.5", "1.77.0", "1.79.0", "1.86.0", "2.66.0", "1.62.3"] {
        assert_eq!(
            bad.parse::<GrpcVersion>(),
            Err(VersionError::UnsupportedGrpc(bad.into())),
            "{bad}"
        );
    }
    for bad in ["1.85", "1.85.1.0", "1.x.0", "1.85.-1"] {
        assert_eq!(
            bad.parse::<GrpcVersion>(),
            Err(VersionError::GrpcSyntax(bad.into())),
            "{bad}"
        );
    }
    let message = VersionError::UnsupportedProtoc("26.1".into()).to_string();
    assert!(
        message.contains("27.0–27.5") && message.contains("36.0–36.2"),
        "{message}"
    );
}

#[test]
fn mypy_protobuf_epochs() {
    let m = |s: &str| s.parse::<MypyProtobufVersion>();
    let old = m("5.0.0").expect("supported").format();
    assert!(!old.never_arguments && !old.file_deprecation);
    let new = m("5.1.0").expect("supported").format();
    assert!(new.never_arguments && new.file_deprecation);
    assert_eq!(new, DEFAULT_MYPY_PROTOBUF.format());
    assert_eq!(
        m("4.0.0"),
        Err(VersionError::UnsupportedMypyProtobuf("4.0.0".into()))
    );
    assert_eq!(
        m("5.1"),
        Err(VersionError::MypyProtobufSyntax("5.1".into()))
    );
    let message = VersionError::UnsupportedMypyProtobuf("3.6.0".into()).to_string();
    assert!(message.contains("5.0.0, 5.1.0"), "{message}");
}

#[test]
fn editions_gate() {
    assert_eq!(p("27.0").compiles_edition(1000), Ok(()));
    assert_eq!(p("31.1").compiles_edition(1001), Err(("2024", p("32.0"))));
    assert_eq!(p("32.0").compiles_edition(1001), Ok(()));
    assert_eq!(p("29.0").compiles_edition(998), Ok(()));
}

#[test]
fn compiler_version_maps_to_the_protoc_release() {
    assert_eq!(
        ProtocVersion::from_compiler_version(6, 33, 0, ""),
        Ok(p("33.0"))
    );
    assert_eq!(
        ProtocVersion::from_compiler_version(7, 35, 1, ""),
        Ok(p("35.1"))
    );
    assert_eq!(
        ProtocVersion::from_compiler_version(5, 27, 2, ""),
        Ok(p("27.2"))
    );
    for (major, minor, patch, suffix, shown) in [
        (4, 25, 1, "", "4.25.1"),
        (7, 37, 0, "", "7.37.0"),
        (6, 35, 1, "", "6.35.1"),
        (6, 33, 0, "rc1", "6.33.0-rc1"),
        (-1, 33, 0, "", "-1.33.0"),
    ] {
        assert_eq!(
            ProtocVersion::from_compiler_version(major, minor, patch, suffix),
            Err(VersionError::UnsupportedCompiler(shown.into()))
        );
    }
}

#[test]
fn resolve_prefers_the_parameter_then_compiler_version_then_the_default() {
    let grpc = g("1.76.0");
    let from_param = Target::resolve(
        Some(p("31.0")),
        Some((7, 35, 1, "")),
        grpc,
        DEFAULT_MYPY_PROTOBUF,
    )
    .expect("parameter wins");
    assert_eq!(
        (from_param.protoc, from_param.protoc_source),
        (p("31.0"), ProtocSource::Parameter)
    );
    assert_eq!(from_param.py.gencode.to_string(), "6.31.0");
    assert!(from_param.grpc.plain_string && !from_param.grpc.no_object_base);
    let from_compiler =
        Target::resolve(None, Some((6, 33, 0, "")), grpc, DEFAULT_MYPY_PROTOBUF).expect("compiler");
    assert_eq!(
        (from_compiler.protoc, from_compiler.protoc_source),
        (p("33.0"), ProtocSource::Compiler)
    );
    assert!(from_compiler.pyi.empty_slots);
    assert_eq!(
        Target::resolve(None, None, grpc, DEFAULT_MYPY_PROTOBUF)
            .map(|t| (t.protoc, t.protoc_source)),
        Ok((DEFAULT_PROTOC, ProtocSource::Default))
    );
    // A supported explicit release is not checked against the protoc that runs the plugin.
    assert!(Target::resolve(
        Some(p("27.0")),
        Some((4, 25, 1, "")),
        grpc,
        DEFAULT_MYPY_PROTOBUF
    )
    .is_ok());
    assert!(matches!(
        Target::resolve(None, Some((4, 25, 1, "")), grpc, DEFAULT_MYPY_PROTOBUF),
        Err(VersionError::UnsupportedCompiler(_))
    ));
}

#[test]
fn table_rows_are_in_order_and_inside_the_supported_range() {
    let first = protoc(PROTOC_RELEASES[0].0, 0);
    for window in PROTOC_CHANGES.windows(2) {
        assert!(window[0].0 <= window[1].0);
    }
    for &(since, until, _) in PROTOC_CHANGES {
        assert!(since > first && since.is_supported(), "{since}");
        assert!(until.is_none_or(|u| u > since && u.is_supported()));
    }
    for &(since, _) in GRPC_CHANGES {
        assert!(GRPC_MINORS.contains(&since.minor));
    }
}
