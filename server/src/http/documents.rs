//! Files sent to a browser: a stored document streamed with safe headers, and the file names
//! those headers carry.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

/// A stored document as a response: streamed, with `document_headers`.
pub(crate) fn document(d: crate::services::filing::StoredDocument) -> Response {
    let mut res = blob_body(d.blob).into_response();
    document_headers(res.headers_mut(), &d.content_type, &d.file_name);
    res
}

/// A PDF the server made or keeps (an agreement, a 调解书, a ruling, a served document), shown
/// inline with `document_headers`.
pub(crate) fn pdf(body: impl IntoResponse, file_name: &str) -> Response {
    let mut res = body.into_response();
    document_headers(res.headers_mut(), "application/pdf", file_name);
    res
}

/// A stored file as a response body, read in pieces as the client takes them: a 200 MB video
/// never sits in memory.
pub(crate) fn blob_body(blob: crate::adapters::blob_store::Blob) -> axum::body::Body {
    axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(blob.reader, 64 * 1024))
}

/// Headers for an uploaded document shown in the browser: its checked type, never sniffed,
/// never cached, named in ASCII. Anything but a PDF is also sandboxed with no sources allowed
/// (a PDF is not: Chromium's PDF viewer does not open under a sandbox or `object-src 'none'`,
/// and it runs the document in its own process anyway).
pub(crate) fn document_headers(headers: &mut HeaderMap, content_type: &str, file_name: &str) {
    use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS};
    use axum::http::HeaderValue;
    let mut set = |name, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    set(CONTENT_TYPE, content_type.to_string());
    set(CONTENT_DISPOSITION, format!("inline; filename=\"{}\"", ascii_file_name(file_name)));
    set(X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    set(CACHE_CONTROL, "private, no-store".into());
    if content_type != "application/pdf" {
        set(CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'; img-src 'self'; media-src 'self'".into());
    }
}

/// A file name safe in a `Content-Disposition` header: ASCII letters, digits and dots.
pub(crate) fn ascii_file_name(name: &str) -> String {
    name.replace(|ch: char| !ch.is_ascii_alphanumeric() && ch != '.', "_")
}
