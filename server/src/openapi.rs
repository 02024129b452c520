//! The OpenAPI document, generated from the handlers' annotations (utoipa) and served at
//! `/v1/openapi.json`. The routes come from the same `OpenApiRouter`, so a route cannot exist
//! without being documented; a test checks that the handlers answer as documented.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Every error: a stable code and a message without personal data (the wire type is core's).
pub use berkas_core::sync::protocol::{ErrorBody, ErrorDetail};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Berkas hub", description = "Personnel records of ASN: accounts, records, sync and documents. Protocol version 1 (header x-berkas-protocol on /v1/sync)."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorDetail)),
    tags((name = "auth"), (name = "records"), (name = "sync"), (name = "blobs"), (name = "audit"), (name = "documents"), (name = "admin"))
)]
pub struct ApiDoc;
