//! Our CollectAndCompare: the real client and collectors scrape a wiremock server replaying one
//! Technitium version's recorded responses, and the full text exposition must equal
//! `tests/golden/*.prom` (duration values normalised). `UPDATE_GOLDEN=1 cargo test` rewrites
//! the golden files; review the diff before committing it.

use crate::common::{Version, all_options, assert_golden, counts, default_options, scrape_version};

async fn golden(version: Version, all: bool) -> (usize, usize) {
    let options = if all {
        all_options()
    } else {
        default_options()
    };
    let (_server, snapshot, text) = scrape_version(version, options).await;
    assert!(snapshot.up(), "{:?}", snapshot.session.err());
    let kind = if all { "all" } else { "default" };
    assert_golden(&format!("{}_{kind}.prom", version.stem()), &text);
    let (families, samples) = counts(&snapshot);
    // The encoder's counts agree with the text it wrote.
    assert_eq!(
        families,
        text.lines().filter(|l| l.starts_with("# TYPE ")).count()
    );
    assert_eq!(
        samples,
        text.lines().filter(|l| !l.starts_with('#')).count()
    );
    (families, samples)
}

#[tokio::test]
async fn v13_6_all_collectors() {
    assert_eq!(golden(Version::V13_6, true).await, (49, 239));
}

#[tokio::test]
async fn v14_3_all_collectors() {
    assert_eq!(golden(Version::V14_3, true).await, (53, 258));
}

#[tokio::test]
async fn v15_2_all_collectors() {
    assert_eq!(golden(Version::V15_2, true).await, (53, 260));
}

#[tokio::test]
async fn v15_6_all_collectors() {
    assert_eq!(golden(Version::V15_6, true).await, (61, 278));
}

#[tokio::test]
async fn v13_6_defaults() {
    assert_eq!(golden(Version::V13_6, false).await, (43, 146));
}

#[tokio::test]
async fn v14_3_defaults() {
    assert_eq!(golden(Version::V14_3, false).await, (47, 165));
}

#[tokio::test]
async fn v15_2_defaults() {
    assert_eq!(golden(Version::V15_2, false).await, (47, 167));
}

#[tokio::test]
async fn v15_6_defaults() {
    assert_eq!(golden(Version::V15_6, false).await, (52, 182));
}
