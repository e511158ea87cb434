//! Response bodies: small answers whole, large expositions streamed in pieces from a blocking
//! thread, gzip when the client accepts it.

use std::convert::Infallible;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{Either, Full, StreamBody};
use hyper::Response;
use hyper::body::{Bytes, Frame};
use hyper::header::{self, HeaderValue};

use super::metrics::SelfMetrics;
use crate::collector::{Snapshot, encoder_for, lock, may_exceed, write_families_waited};
use crate::exposition::{Encoder, ExpositionFormat, Sink};

/// Expositions that may be larger than this (about 2 500 zones, or answers holding as much)
/// are streamed in pieces instead of being built whole: a 100 000-zone exposition is about
/// 42 MB of text.
const STREAM_ABOVE: usize = 1024 * 1024;
/// Size of one streamed piece (before compression).
const STREAM_PIECE: usize = 256 * 1024;

/// A response body: whole for small answers, streamed in pieces for large expositions.
pub(super) type ResponseBody = Either<Full<Bytes>, StreamBody<Pieces>>;

/// The pieces of a streamed exposition, as a blocking task renders them.
pub(super) struct Pieces(tokio::sync::mpsc::Receiver<Bytes>);

impl futures_util::Stream for Pieces {
    type Item = Result<Frame<Bytes>, Infallible>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0
            .poll_recv(cx)
            .map(|piece| piece.map(|b| Ok(Frame::data(b))))
    }
}

/// A whole body.
pub(super) fn whole(body: impl Into<Bytes>) -> Response<ResponseBody> {
    Response::new(Either::Left(Full::new(body.into())))
}

/// What an exposition response is made of.
pub(super) struct Exposition {
    pub(super) snapshot: Arc<Snapshot>,
    /// The request's own wait, reported as `technitium_scrape_duration_seconds`.
    pub(super) waited: Duration,
    pub(super) format: ExpositionFormat,
    pub(super) gzip: bool,
    /// The exporter's own metrics go along (the telemetry path).
    pub(super) with_self: Option<Arc<SelfMetrics>>,
}

impl Exposition {
    /// The response: whole, or streamed for a large exposition.
    pub(super) fn respond(self) -> Response<ResponseBody> {
        if may_exceed(&self.snapshot, STREAM_ABOVE) {
            return self.streamed();
        }
        let mut enc = encoder_for(&self.snapshot, self.format);
        write_families_waited(&self.snapshot, self.waited, &mut enc);
        if let Some(metrics) = &self.with_self {
            metrics.write(&mut enc);
        }
        let body = enc.finish_bytes();
        let mut response = match self.gzip.then(|| gzip(&body)).flatten() {
            Some(bytes) => {
                let mut r = whole(bytes);
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                r
            }
            None => whole(body),
        };
        headers(&mut response, self.format);
        response
    }

    /// A large exposition, rendered on a blocking thread and sent in pieces of about
    /// [`STREAM_PIECE`] bytes as the client reads them (gzip-compressed piece by piece when
    /// asked): memory holds a few pieces, not the whole text. The content is the same as a
    /// whole render.
    fn streamed(self) -> Response<ResponseBody> {
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
        let (format, gzip) = (self.format, self.gzip);
        tokio::task::spawn_blocking(move || {
            // A client that went away makes the sends fail; the render then finishes unsent.
            let send = move |bytes: Vec<u8>| {
                if !bytes.is_empty() {
                    let _ = tx.blocking_send(Bytes::from(bytes));
                }
            };
            let gz = gzip.then(|| Arc::new(Mutex::new(gzip_encoder(Vec::new()))));
            let mut enc = Encoder::streaming(format, STREAM_PIECE, sink(gz.clone(), send.clone()));
            write_families_waited(&self.snapshot, self.waited, &mut enc);
            drop(self.snapshot);
            if let Some(metrics) = &self.with_self {
                metrics.write(&mut enc);
            }
            let _ = enc.finish_bytes();
            if let Some(gz) = gz.and_then(Arc::into_inner)
                && let Ok(rest) = gz
                    .into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .finish()
            {
                send(rest);
            }
        });
        let mut response = Response::new(Either::Right(StreamBody::new(Pieces(rx))));
        if gzip {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        headers(&mut response, format);
        response
    }
}

type Gzip = flate2::write::GzEncoder<Vec<u8>>;

fn gzip_encoder(out: Vec<u8>) -> Gzip {
    flate2::write::GzEncoder::new(out, flate2::Compression::fast())
}

/// `body` gzip-compressed, or `None` (then it goes uncompressed).
fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut gz = gzip_encoder(Vec::with_capacity(body.len() / 4));
    gz.write_all(body).and_then(|()| gz.finish()).ok()
}

/// Where the streaming encoder's pieces go: straight to the client, or through gzip.
fn sink(gz: Option<Arc<Mutex<Gzip>>>, send: impl Fn(Vec<u8>) + Send + 'static) -> Sink {
    match gz {
        Some(gz) => Box::new(move |piece: Vec<u8>| {
            let mut gz = lock(&gz);
            if gz.write_all(&piece).is_ok() {
                send(std::mem::take(gz.get_mut()));
            }
        }),
        None => Box::new(send),
    }
}

fn headers(response: &mut Response<ResponseBody>, format: ExpositionFormat) {
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
}
