//! Services (`ValidateOptions(ServiceDescriptor)`): lite files and generic services.

use crate::ir::ErrorLocation;
use crate::pool::builder::Builder;
use crate::pool::ServiceId;

pub fn validate_service(b: &mut Builder<'_>, service: ServiceId) {
    let options = &b.file_desc().options.msg;
    let generic = options.get_bool(16) || options.get_bool(17);
    if super::files::is_lite(b, b.file) && generic {
        let elem = b.pool.services[service.idx()].elem;
        b.error(
            elem,
            ErrorLocation::Name,
            "Files with optimize_for = LITE_RUNTIME cannot define services unless you set both options cc_generic_services and java_generic_services to false.",
        );
    }
}
