//! The one error type of the HTTP API: a status, a stable `code` and a message with no personal
//! data, serialised as `{"error": {"code", "message"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "auth.unauthorized", message)
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }
    /// The same answer whether the record exists or is out of the caller's scope.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such record, or not visible to you")
    }
    /// `403` with the decision's code and reason when core's authorization refuses.
    pub fn unless_allowed(d: berkas_core::authz::Decision) -> Result<(), ApiError> {
        match d {
            berkas_core::authz::Decision::Allow => Ok(()),
            berkas_core::authz::Decision::Deny { code, reason } => Err(ApiError::forbidden(code, reason)),
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        // The detail goes to the server log, never to the client (it may name tables or paths).
        eprintln!("internal error: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal server error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(berkas_core::sync::protocol::ErrorBody::new(self.code, self.message))).into_response()
    }
}

/// The code of a write that met a concurrent one; the hub judges such a batch again, and
/// answers this (a 503 clients retry) only when it keeps meeting them.
pub const STORE_BUSY: &str = "store.busy";

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        match e {
            crate::store::StoreError::Conflict(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                STORE_BUSY,
                "another request changed the same records at the same moment; try again",
            ),
            e => ApiError::internal(e),
        }
    }
}

/// `Json` whose rejections (bad JSON, wrong shape, wrong content type) are `ApiError`s with a
/// stable code and the parser's explanation, like every other error of the API.
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                let code = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "request.too_large"
                } else {
                    "request.malformed"
                };
                Err(ApiError::new(rejection.status(), code, rejection.body_text()))
            }
        }
    }
}

/// `Query` whose rejections (a cursor that is not a number, a missing parameter) are
/// `ApiError`s with the documented JSON body, like every other error of the API.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(ApiError::bad_request("request.query", rejection.body_text())),
        }
    }
}

/// `Path` whose rejections (a segment that is not UTF-8 once decoded, a number that does not
/// parse) are `ApiError`s with the documented JSON body.
pub struct ApiPath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => Err(ApiError::bad_request("request.path", rejection.body_text())),
        }
    }
}
