//! DNS response codes as people and labels spell them.

/// The DNS mnemonic of a response code as the `rcode` label spells it (`NOERROR`, `SERVFAIL`,
/// `NXDOMAIN`, `REFUSED`, …); codes without a mnemonic are `other`, so the label stays bounded.
#[must_use]
pub fn rcode_label(code: u16) -> &'static str {
    match code {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        16 => "BADVERS",
        23 => "BADCOOKIE",
        _ => "other",
    }
}

/// The response code of a mnemonic (`NOERROR`, case-insensitive) or a number.
#[must_use]
pub fn rcode_from_label(s: &str) -> Option<u16> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u16>() {
        return Some(n);
    }
    (0u16..=23).find(|c| rcode_label(*c) != "other" && rcode_label(*c).eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rcode_labels_round_trip() {
        for code in [0u16, 1, 2, 3, 4, 5, 9, 16, 23] {
            assert_eq!(rcode_from_label(rcode_label(code)), Some(code));
        }
        assert_eq!(rcode_from_label("nxdomain"), Some(3));
        assert_eq!(rcode_label(12), "other");
        assert_eq!(rcode_from_label("other"), None);
    }
}
