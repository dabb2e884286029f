//! descriptor.cc's checks, one file per family of errors. Each family is a few functions over the linked model
//! of the file being built ([`Builder`]), called where protoc calls them, reporting with
//! [`Builder::error`] / [`Builder::warning`] at the element and location kind protoc uses.
//!
//! Families: [`defaults`] (default values), [`files`] (imports, lite, edition of file-level options),
//! [`proto3`], [`fields`] (field options), [`editions`] (feature validity and support), [`json`] (JSON
//! names), [`enums`], [`maps`], [`extensions`] (extension ranges and declarations), [`services`],
//! [`numbers`] (field number suggestions), [`naming_style`], [`visibility`], [`lifetimes`] (feature
//! lifetimes, checked after a whole input is built), [`cli`] (protoc's command-line checks after parsing).
//!
//! Adding a check: find where protoc makes it (the phase of `BuildFileImpl`, or `ValidateOptions(X)` for the
//! element kind X), add a function to the family's file taking `&mut Builder` and the element id, and call it
//! from the same point here (for `ValidateOptions`, from [`validate_options`] in protoc's order within that
//! overload). Report with the element's `elem` and the `ErrorLocation` protoc passes, and the exact text;
//! add the case to the negative corpus.

pub mod cli;
pub mod defaults;
pub mod editions;
pub mod enums;
pub mod extensions;
pub mod fields;
pub mod files;
pub mod json;
pub mod lifetimes;
pub mod maps;
pub mod naming_style;
pub mod numbers;
pub mod proto3;
pub mod services;
pub mod visibility;

use crate::pool::builder::Builder;
use crate::pool::visit::{elements, Element};

/// `ValidateOptions` over every element of the file, in `VisitDescriptors` order.
pub fn validate_options(b: &mut Builder<'_>) {
    for element in elements(b.pool, b.file) {
        match element {
            Element::File => {
                editions::validate_file_features(b);
                files::validate_lite_imports(b);
                if b.edition == crate::edition::Edition::Proto3 {
                    proto3::validate_file(b);
                }
                files::validate_import_kinds(b);
            }
            Element::Message(m) => {
                json::check_json_name_uniqueness(b, m);
                extensions::validate_extension_range_options(b, m);
            }
            Element::Field(f) => {
                editions::validate_field_feature_support(b, f);
                editions::validate_field_features(b, f);
                fields::validate_field_options(b, f);
                extensions::validate_declared_extension(b, f);
            }
            Element::Enum(e) => enums::validate_enum(b, e),
            Element::Value(v) => editions::validate_value_feature_support(b, v),
            Element::Service(s) => services::validate_service(b, s),
            Element::Oneof(_) | Element::ExtensionRange(..) | Element::Method(_) => {}
        }
    }
}
