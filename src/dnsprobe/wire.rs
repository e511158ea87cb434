//! DNS messages on the wire, the same for every transport: the query a probe sends (a random
//! id, recursion desired, EDNS with a 1232-byte payload), the two-byte length framing of TCP and
//! TLS streams (RFC 1035 4.2.2, RFC 7766), and the checks every answer passes before it counts:
//! it decodes, it is a response, it carries the query's id and it is about the question asked.
//! Every transport reports a failed check in the same words ([`TransportFailure::BadAnswer`]).

use std::io;

use hickory_proto::op::{DnsResponse, Message, Query};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

use super::failure::TransportFailure;
use crate::technitium::shorten;

/// The EDNS payload size the queries offer (the DNS Flag Day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;

/// A query for `question` with a random id, recursion desired and EDNS.
pub(super) fn query(question: &Query) -> Message {
    let mut message = Message::query();
    message.add_query(question.clone());
    message.metadata.recursion_desired = true;
    let mut edns = hickory_proto::op::Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    message.set_edns(edns);
    message
}

/// The wire form of `message`.
pub(super) fn encode(message: &Message) -> Result<Vec<u8>, TransportFailure> {
    message
        .to_vec()
        .map_err(|e| TransportFailure::Io(io::Error::other(e.to_string())))
}

/// The id at the start of a datagram, if it is long enough to have one.
pub(super) fn id_of(bytes: &[u8]) -> Option<u16> {
    bytes.first_chunk::<2>().map(|b| u16::from_be_bytes(*b))
}

/// `bytes` as the answer to `request`: a DNS response with the request's id about the
/// request's question. A response without a question section is accepted only with an error
/// code (servers may leave it out of FORMERR, NOTIMP or REFUSED answers).
pub(super) fn answer_to(
    request: &Message,
    bytes: Vec<u8>,
) -> Result<DnsResponse, TransportFailure> {
    let response = DnsResponse::from_buffer(bytes).map_err(|e| {
        TransportFailure::BadAnswer(format!(
            "the answer is not a DNS message ({})",
            shorten(&e.to_string())
        ))
    })?;
    if response.metadata.id != request.metadata.id {
        return Err(TransportFailure::BadAnswer(format!(
            "the answer's id {} is not the query's id {}",
            response.metadata.id, request.metadata.id
        )));
    }
    let errored = u16::from(response.metadata.response_code) != 0;
    if response.queries != request.queries && !(errored && response.queries.is_empty()) {
        return Err(TransportFailure::BadAnswer(format!(
            "the answer is for another question ({}), not {}",
            questions(&response.queries),
            questions(&request.queries)
        )));
    }
    Ok(response)
}

/// Questions for people: `. NS`, `evil. A`; `none` for an empty section.
fn questions(queries: &[Query]) -> String {
    if queries.is_empty() {
        return "none".to_owned();
    }
    let shown: Vec<String> = queries
        .iter()
        .take(3)
        .map(|q| format!("{} {}", q.name(), q.query_type()))
        .collect();
    shorten(&shown.join(", "))
}

/// Writes one length-prefixed message.
pub(super) async fn write_framed<S: AsyncWrite + Unpin>(
    stream: &mut S,
    message: &[u8],
) -> Result<(), TransportFailure> {
    let len = u16::try_from(message.len()).map_err(|_| {
        TransportFailure::Io(io::Error::other("the query is larger than a DNS message"))
    })?;
    let mut framed = Vec::with_capacity(message.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(message);
    stream
        .write_all(&framed)
        .await
        .map_err(TransportFailure::Io)?;
    stream.flush().await.map_err(TransportFailure::Io)
}

/// Reads one length-prefixed message: [`TransportFailure::Closed`] when the stream ends before
/// any of it, a [`TransportFailure::BadAnswer`] when it ends in the middle.
pub(super) async fn read_framed<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> Result<Vec<u8>, TransportFailure> {
    let mut len = [0u8; 2];
    let first = stream.read(&mut len).await.map_err(closed_or_io)?;
    if first == 0 {
        return Err(TransportFailure::Closed);
    }
    if first == 1 {
        stream
            .read_exact(&mut len[1..])
            .await
            .map_err(|e| cut_off(&e, 1, 2))?;
    }
    let want = usize::from(u16::from_be_bytes(len));
    let mut body = vec![0u8; want];
    let mut got = 0;
    while got < want {
        match stream.read(&mut body[got..]).await {
            Ok(0) => return Err(cut_off_at(got, want)),
            Ok(n) => got += n,
            Err(e) => return Err(cut_off(&e, got, want)),
        }
    }
    Ok(body)
}

/// A read error before any byte of the answer: the end of the stream (a TLS peer that closes
/// without `close_notify` says so with `UnexpectedEof`) is the server closing the connection.
fn closed_or_io(e: io::Error) -> TransportFailure {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        TransportFailure::Closed
    } else {
        TransportFailure::Io(e)
    }
}

fn cut_off(e: &io::Error, got: usize, want: usize) -> TransportFailure {
    match e.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted => cut_off_at(got, want),
        _ => TransportFailure::Io(io::Error::new(e.kind(), e.to_string())),
    }
}

fn cut_off_at(got: usize, want: usize) -> TransportFailure {
    TransportFailure::BadAnswer(format!(
        "the connection closed in the middle of the answer ({got} of {want} bytes)"
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use hickory_proto::op::ResponseCode;
    use hickory_proto::rr::{Name, RecordType};

    fn bad(r: Result<DnsResponse, TransportFailure>) -> String {
        match r {
            Err(TransportFailure::BadAnswer(s)) => s,
            Err(_) => "another failure".to_owned(),
            Ok(_) => "accepted".to_owned(),
        }
    }

    fn respond(request: &Message, rcode: ResponseCode, question: Option<Query>) -> Vec<u8> {
        let mut m = Message::response(request.metadata.id, request.metadata.op_code);
        m.metadata.response_code = rcode;
        m.add_queries(question);
        m.to_vec().unwrap()
    }

    #[test]
    fn answers_are_checked_for_id_and_question() {
        let asked = Query::query(Name::root(), RecordType::NS);
        let request = query(&asked);
        let ok = respond(&request, ResponseCode::NoError, Some(asked.clone()));
        assert!(answer_to(&request, ok).is_ok());
        let evil = Query::query(Name::from_ascii("evil.").unwrap(), RecordType::A);
        let other = respond(&request, ResponseCode::NoError, Some(evil));
        assert_eq!(
            bad(answer_to(&request, other)),
            "the answer is for another question (evil. A), not . NS"
        );
        let none = respond(&request, ResponseCode::NoError, None);
        assert_eq!(
            bad(answer_to(&request, none)),
            "the answer is for another question (none), not . NS"
        );
        let refused = respond(&request, ResponseCode::Refused, None);
        assert!(answer_to(&request, refused).is_ok(), "an error may omit it");
        let mut wrong_id = respond(&request, ResponseCode::NoError, Some(asked));
        wrong_id[0] ^= 0xff;
        assert!(bad(answer_to(&request, wrong_id)).starts_with("the answer's id "));
        assert!(
            bad(answer_to(&request, vec![1, 2, 3]))
                .starts_with("the answer is not a DNS message (")
        );
        let echoed = request.to_vec().unwrap();
        assert!(bad(answer_to(&request, echoed)).starts_with("the answer is not a DNS message ("));
    }

    #[tokio::test]
    async fn framing_reads_whole_messages_and_says_where_a_stream_ended() {
        let mut whole: &[u8] = &[0, 3, 7, 8, 9];
        assert_eq!(read_framed(&mut whole).await.ok(), Some(vec![7, 8, 9]));
        let mut empty: &[u8] = &[];
        assert!(matches!(
            read_framed(&mut empty).await,
            Err(TransportFailure::Closed)
        ));
        let mut short: &[u8] = &[0, 100, 1, 2];
        let e = match read_framed(&mut short).await {
            Err(TransportFailure::BadAnswer(s)) => s,
            _ => String::new(),
        };
        assert_eq!(
            e,
            "the connection closed in the middle of the answer (2 of 100 bytes)"
        );
        let mut out = Vec::new();
        write_framed(&mut out, &[7, 8, 9]).await.ok();
        assert_eq!(out, [0, 3, 7, 8, 9]);
    }
}
