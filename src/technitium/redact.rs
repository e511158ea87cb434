//! What text about a server may leave the client: the token removed (`Redactor`), one short
//! line (`shorten`), the base URL without credentials ([`display_base`]) and the proxy in use
//! without its password ([`proxy_for`]).
//!
//! Everything that came from the server or from `reqwest` passes through here before an error
//! or a log line keeps it. Nothing here sends requests or decides what an error says.

use std::fmt;

use url::Url;

use super::secret::Secret;

/// Removes the token from text: the literal token, and the value of any `token=` parameter or
/// `Bearer` credential, whatever it is.
#[derive(Clone)]
pub(super) struct Redactor {
    token: Option<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor([redacted])")
    }
}

/// `token=VALUE` (a query or form parameter) and `Bearer VALUE`, any case.
static CREDENTIAL: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?i)(\btoken=|\bbearer\s+)[^&\s"'<>#;,)]+"#).ok()
});

impl Redactor {
    /// The literal token is removed only when it is long enough to be told from ordinary text
    /// (Technitium's tokens are 64 hex digits; a test's `x` would otherwise be cut out of every
    /// word). Shorter ones are still caught wherever they appear as a `token=` or `Bearer`
    /// value, which is how a server or proxy echoes them.
    pub(super) fn new(token: Option<&Secret>) -> Self {
        Self {
            token: token
                .map(|t| t.expose().to_owned())
                .filter(|t| t.chars().count() >= 8),
        }
    }

    /// `text` without the token, nor any `token=` or `Bearer` value.
    pub(super) fn clean(&self, text: &str) -> String {
        let mut text = match &self.token {
            Some(t) if text.contains(t.as_str()) => text.replace(t.as_str(), "[redacted]"),
            _ => text.to_owned(),
        };
        if let Some(re) = CREDENTIAL.as_ref()
            && re.is_match(&text)
        {
            text = re.replace_all(&text, "${1}[redacted]").into_owned();
        }
        text
    }
}

/// The proxy the HTTP client will use for `url`, as reqwest's system-proxy reads it from the
/// environment (`HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`, lower case too, unless `NO_PROXY`
/// lists the host), shown for people: "the proxy http://proxy:3128 (HTTPS_PROXY)", without any
/// password. Only messages use it.
#[must_use]
pub fn proxy_for(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let no_proxy = env_any(&["NO_PROXY", "no_proxy"])
        .map(|(_, v)| v)
        .unwrap_or_default();
    let excluded = no_proxy.split(',').map(str::trim).any(|n| {
        let n = n.trim_start_matches('.');
        n == "*" || (!n.is_empty() && (host == n || host.ends_with(&format!(".{n}"))))
    });
    if excluded {
        return None;
    }
    let names: &[&str] = if url.scheme() == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let (name, value) = env_any(names)?;
    let shown =
        Url::parse(&value).map_or_else(|_| "an unparsable URL".to_owned(), |u| display_base(&u));
    Some(format!("the proxy {shown} ({name})"))
}

fn env_any(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|n| {
        std::env::var(n)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*n, v))
    })
}

/// The base URL without userinfo, query or fragment: what messages and logs may show.
#[must_use]
pub fn display_base(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.as_str().trim_end_matches('/').to_owned()
}

/// The first line of a message, trimmed and cut at 200 characters (an ellipsis marks the cut):
/// what an error keeps of text it did not write itself.
pub(crate) fn shorten(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() > 200 {
        let cut: String = line.chars().take(200).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_and_credentials_are_removed() {
        let r = Redactor::new(Some(&Secret::new("0123456789abcdef")));
        assert_eq!(
            r.clean("GET /api?token=0123456789abcdef&x=1 said 0123456789abcdef"),
            "GET /api?token=[redacted]&x=1 said [redacted]"
        );
        let short = Redactor::new(Some(&Secret::new("x")));
        assert_eq!(
            short.clean("box: Authorization: Bearer x; token=x"),
            "box: Authorization: Bearer [redacted]; token=[redacted]"
        );
    }

    #[test]
    fn shown_urls_keep_no_credentials_and_lines_stay_short() {
        let url = Url::parse("https://user:pw@dns.example:5380/?token=t#f")
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(display_base(&url), "https://dns.example:5380");
        assert_eq!(shorten("  first line \nsecond"), "first line");
        let long = "x".repeat(300);
        assert_eq!(shorten(&long).chars().count(), 201);
    }
}
