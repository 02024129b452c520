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
    tags((name = "auth"), (name = "records"), (name = "sync"), (name = "blobs"), (name = "audit"), (name = "documents"), (name = "admin"), (name = "helpdesk"), (name = "presensi"))
)]
pub struct ApiDoc;

/// Lists on every operation the error answers the framework gives before its handler runs, so
/// the document names every status an operation can answer: a JSON body that does not parse
/// or has the wrong shape (400, 422), the wrong content type (415), too large (413); a path or
/// query parameter that does not parse (400); no or a bad token (401). Each is the error body.
pub fn complete_error_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error = |why: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(why)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build(),
        )
    };
    let add = |op: &mut Operation, status: &str, why: &str| {
        op.responses.responses.entry(status.to_string()).or_insert_with(|| error(why));
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.head, &mut item.patch];
        for op in ops.into_iter().flatten() {
            let json_body = op.request_body.as_ref().is_some_and(|b| b.content.contains_key("application/json"));
            if json_body {
                add(op, "400", "the body is not valid JSON (request.malformed)");
                add(op, "413", "the body is too large (request.too_large)");
                add(op, "415", "the body is not application/json (request.malformed)");
                add(op, "422", "the JSON does not have the documented shape (request.malformed)");
            }
            let params = op
                .parameters
                .as_ref()
                .is_some_and(|ps| ps.iter().any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query)));
            if params {
                add(op, "400", "a path or query parameter does not parse (request.path, request.query)");
            }
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add(op, "401", "no token, or one that is not valid (auth.*)");
            }
        }
    }
}
