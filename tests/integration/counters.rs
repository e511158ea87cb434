//! The derived counters against a simulated per-minute Technitium server (`minutes.rs`):
//! the real client over HTTP, the counters collector's fetch and write, exact values.

use std::collections::BTreeMap;

use crate::common::{Version, client_config, sample};
use crate::minutes::{SimServer, Sums, Unlocked};
use technitium_exporter::collector::CollectError;
use technitium_exporter::collector::counters::{
    self, CountStep, CountersData, CountersState, CountersWarning, Engine, Inputs, state_file,
};
use technitium_exporter::exposition::{Encoder, ExpositionFormat};
use technitium_exporter::technitium::types::parse_version;
use technitium_exporter::technitium::{Client, CustomRange, RangeError, Window};

/// 2026-05-10T12:00:00Z.
const T0: i64 = 1_778_414_400;

struct Target {
    sim: SimServer,
    client: Client,
    state: CountersState,
    /// Pass the LastHour answer in, as the dashboard collector does.
    shared: bool,
}

impl Target {
    async fn new(version: Version, now: i64) -> Self {
        let sim = SimServer::start(version, now).await;
        let client = Client::new(&client_config(&sim.uri())).unwrap();
        Self {
            sim,
            client,
            state: CountersState::default(),
            shared: true,
        }
    }

    /// One scrape as the collector makes it: session/get, the LastHour answer (fetched here, as
    /// the dashboard collector does, or by the counters fetch), then the counters.
    async fn try_scrape(&self) -> Result<CountersData, CollectError> {
        let info = self.client.session().await?;
        let version = parse_version(&info.version);
        let last_hour = if self.shared {
            let v14 = version.is_some_and(|(m, _)| m >= 14);
            Some(self.client.stats(Window::LastHour, v14).await?)
        } else {
            None
        };
        counters::fetch(
            &self.client,
            &self.state,
            Inputs {
                last_hour: last_hour.as_ref(),
                server: info.dns_server_domain.as_deref(),
                version,
            },
        )
        .await
    }

    async fn scrape(&self) -> CountersData {
        self.try_scrape().await.expect("scrape")
    }

    fn at(&self, now: i64) {
        self.sim.with(|s| s.now = now);
    }

    fn custom_calls(&self) -> Vec<(i64, i64)> {
        self.sim.with(|s| s.custom_calls.clone())
    }

    fn sum(&self, after: i64, upto: i64) -> Sums {
        self.sim.with(|s| s.sum(after, upto))
    }
}

/// The counters of `data` minus those of `base`, in the simulator's terms.
fn delta(data: &CountersData, base: &CountersData) -> Sums {
    let diff = |a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>| -> BTreeMap<String, u64> {
        a.iter()
            .map(|(k, v)| (k.clone(), v - b.get(k).copied().unwrap_or(0)))
            .filter(|(_, v)| *v > 0)
            .collect()
    };
    let (t, b) = (&data.totals, &base.totals);
    let arr = |m: &BTreeMap<String, u64>, keys: &[&str]| -> Vec<u64> {
        keys.iter()
            .map(|k| m.get(*k).copied().unwrap_or(0))
            .collect()
    };
    let rc = |m| arr(m, &["NOERROR", "SERVFAIL", "NXDOMAIN", "REFUSED"]);
    let oc = |m| {
        arr(
            m,
            &["authoritative", "recursive", "cached", "blocked", "dropped"],
        )
    };
    let sub =
        |a: Vec<u64>, b: Vec<u64>| -> Vec<u64> { a.iter().zip(b).map(|(x, y)| x - y).collect() };
    Sums {
        queries: t.queries - b.queries,
        rcodes: sub(rc(&t.rcodes), rc(&b.rcodes)).try_into().unwrap(),
        outcomes: sub(oc(&t.outcomes), oc(&b.outcomes)).try_into().unwrap(),
        qtypes: diff(&t.qtypes, &b.qtypes),
        protocols: diff(&t.protocols, &b.protocols),
    }
}

/// The simulator's sums with zero rows dropped (as [`delta`] drops them).
fn nonzero(mut s: Sums) -> Sums {
    s.qtypes.retain(|_, v| *v > 0);
    s.protocols.retain(|_, v| *v > 0);
    s
}

fn exposition(data: &CountersData) -> String {
    let mut enc = Encoder::new(ExpositionFormat::Text);
    counters::write(data, &mut enc);
    enc.finish()
}

/// Steady traffic scraped every 15 s: between any two scrapes, every counter's increase is the
/// server's data summed over the minutes between the two watermarks, exactly; one Custom call
/// per newly final minute and none otherwise.
async fn steady(version: Version) {
    let t = Target::new(version, T0 + 20).await;
    let first = t.scrape().await;
    assert_eq!(
        first.watermark,
        Some(T0 - 60),
        "anchored at the newest final minute"
    );
    assert!(matches!(first.step, CountStep::Anchor { .. }));
    assert!(
        t.custom_calls().is_empty(),
        "no Custom call on the first scrape"
    );
    assert_eq!(first.totals.queries, 0);
    let mut prev = first.clone();
    let mut calls = 0;
    for i in 1..=40 {
        t.at(T0 + 20 + 15 * i);
        let now = t.scrape().await;
        let (w0, w1) = (prev.watermark.unwrap(), now.watermark.unwrap());
        assert_eq!(w1, t.sim.with(|s| s.newest_final()));
        assert_eq!(delta(&now, &prev), nonzero(t.sum(w0, w1)), "scrape {i}");
        if w1 > w0 {
            calls += 1;
            assert!(now.custom_call);
            assert_eq!(t.custom_calls().last(), Some(&(w0 + 60, w1)));
        } else {
            assert!(!now.custom_call);
        }
        assert_eq!(now.warning, None);
        prev = now;
    }
    // 40 scrapes 15 s apart: 10 minutes, 10 Custom calls, 41 LastHour reads.
    assert_eq!(calls, 10);
    assert_eq!(t.custom_calls().len(), 10);
    assert_eq!(t.sim.with(|s| s.last_hour_calls), 41);
    assert_eq!(
        delta(&prev, &first),
        nonzero(t.sum(T0 - 60, prev.watermark.unwrap()))
    );
}

#[tokio::test]
async fn steady_traffic_v13_6() {
    steady(Version::V13_6).await;
}

#[tokio::test]
async fn steady_traffic_v14_3() {
    steady(Version::V14_3).await;
}

#[tokio::test]
async fn steady_traffic_v15_2() {
    steady(Version::V15_2).await;
}

#[tokio::test]
async fn the_scrape_interval_does_not_change_the_totals() {
    let mut results = Vec::new();
    for interval in [15, 60, 300] {
        let t = Target::new(Version::V14_3, T0 + 30).await;
        let first = t.scrape().await;
        let mut now = T0 + 30;
        let mut last = first.clone();
        while now < T0 + 30 + 1800 {
            now += interval;
            t.at(now);
            last = t.scrape().await;
        }
        assert_eq!(last.watermark, Some(T0 + 1800 - 60));
        results.push((interval, last.totals.clone(), t.custom_calls().len()));
    }
    assert_eq!(results[0].1, results[1].1, "15 s vs 60 s");
    assert_eq!(results[0].1, results[2].1, "15 s vs 5 min");
    // One call per minute at 15 s and 60 s; one per 5 minutes at 5 min.
    assert_eq!(
        results.iter().map(|r| r.2).collect::<Vec<_>>(),
        vec![30, 30, 6]
    );
}

#[tokio::test]
async fn the_newest_bucket_is_counted_only_once_final() {
    for unlocked in [Unlocked::Zero, Unlocked::HourOld] {
        let t = Target::new(Version::V15_2, T0 + 30).await;
        t.sim.with(|s| s.unlocked = unlocked);
        let first = t.scrape().await;
        // 5 s after 12:01 ended its bucket is not locked yet (it reads 0, or 11:01's value):
        // only 12:00 is counted.
        t.at(T0 + 60 + 5);
        let early = t.scrape().await;
        assert_eq!(early.watermark, Some(T0), "{unlocked:?}");
        assert_eq!(delta(&early, &first), nonzero(t.sum(T0 - 60, T0)));
        // 12:01 is locked now but still the newest bucket: not counted, no call.
        t.at(T0 + 60 + 15);
        let locked = t.scrape().await;
        assert_eq!(locked.watermark, Some(T0));
        assert_eq!(locked.totals, early.totals);
        assert!(!locked.custom_call);
        // A minute later it is one full minute older than the newest label: counted, final.
        t.at(T0 + 120 + 5);
        let counted = t.scrape().await;
        assert_eq!(counted.watermark, Some(T0 + 60));
        assert_eq!(delta(&counted, &first), nonzero(t.sum(T0 - 60, T0 + 60)));
        assert_eq!(t.custom_calls(), vec![(T0, T0), (T0 + 60, T0 + 60)]);
    }
}

#[tokio::test]
async fn a_zero_minute_counts_as_zero() {
    let t = Target::new(Version::V13_6, T0 + 30).await;
    let first = t.scrape().await;
    t.sim.with(|s| {
        s.lost.insert(T0 + 60);
    });
    t.at(T0 + 180 + 30);
    let after = t.scrape().await;
    assert_eq!(after.watermark, Some(T0 + 120));
    let want = nonzero(t.sum(T0 - 60, T0 + 120));
    assert_eq!(delta(&after, &first), want);
    assert_eq!(after.totals.missed_minutes, 0);
}

async fn gap(version: Version, minutes: i64) -> (Target, CountersData, CountersData) {
    let t = Target::new(version, T0 + 30).await;
    let first = t.scrape().await;
    t.at(T0 + 30 + 60 * minutes);
    let after = t.scrape().await;
    (t, first, after)
}

#[tokio::test]
async fn a_30_minute_gap_is_caught_up_in_one_call() {
    let (t, first, after) = gap(Version::V13_6, 30).await;
    let w = after.watermark.unwrap();
    assert_eq!(w, T0 + 29 * 60);
    assert_eq!(t.custom_calls(), vec![(T0, w)]);
    assert_eq!(delta(&after, &first), nonzero(t.sum(T0 - 60, w)));
}

#[tokio::test]
async fn a_90_minute_gap_is_caught_up_in_one_call() {
    // 90 minutes: 31 of them are older than the LastHour chart and come from Custom alone.
    let (t, first, after) = gap(Version::V13_6, 90).await;
    let w = after.watermark.unwrap();
    assert_eq!(w, T0 + 89 * 60);
    assert_eq!(t.custom_calls(), vec![(T0, w)]);
    assert_eq!(delta(&after, &first), nonzero(t.sum(T0 - 60, w)));
    assert_eq!(after.totals.missed_minutes, 0);
}

#[tokio::test]
async fn a_150_minute_gap_is_caught_up_in_two_exact_chunks() {
    let (t, first, after) = gap(Version::V14_3, 150).await;
    // At most 2 hours per call: the first chunk covers 121 minutes.
    assert_eq!(after.watermark, Some(T0 + 120 * 60));
    assert_eq!(t.custom_calls(), vec![(T0, T0 + 120 * 60)]);
    assert_eq!(
        delta(&after, &first),
        nonzero(t.sum(T0 - 60, T0 + 120 * 60))
    );
    // The next scrape (15 s later) catches up the rest.
    t.at(T0 + 30 + 150 * 60 + 15);
    let rest = t.scrape().await;
    let w = rest.watermark.unwrap();
    assert_eq!(w, T0 + 149 * 60);
    assert_eq!(t.custom_calls()[1], (T0 + 121 * 60, w));
    assert_eq!(delta(&rest, &first), nonzero(t.sum(T0 - 60, w)));
    assert_eq!(rest.totals.missed_minutes, 0);
    for (start, end) in t.custom_calls() {
        assert!(end - start <= 7200, "a Custom range longer than 2 hours");
    }
}

#[tokio::test]
async fn minutes_more_than_a_day_behind_are_missed() {
    let (t, first, after) = gap(Version::V15_2, 3 * 1440).await;
    let newest_final = t.sim.with(|s| s.newest_final());
    // 3 days behind: the oldest 2 days are missed, the last day is caught up in chunks.
    let skipped = 3 * 1440 - 1440;
    assert_eq!(after.totals.missed_minutes, skipped);
    assert!(
        matches!(after.warning, Some(CountersWarning::Skipped { minutes }) if minutes == skipped)
    );
    let kept_from = newest_final - 1440 * 60; // exclusive
    let mut last = after;
    let mut now = t.sim.with(|s| s.now);
    for _ in 0..20 {
        if last.watermark == Some(newest_final) {
            break;
        }
        now += 1; // stay in the same minute
        t.at(now);
        last = t.scrape().await;
    }
    assert_eq!(last.watermark, Some(newest_final));
    assert_eq!(t.custom_calls().len(), 12, "1440 minutes in chunks of 121");
    assert_eq!(delta(&last, &first), {
        let mut s = nonzero(t.sum(kept_from, newest_final));
        s.qtypes.retain(|_, v| *v > 0);
        s
    });
    assert_eq!(last.totals.missed_minutes, skipped);
    assert_eq!(last.warning, None);
}

#[tokio::test]
async fn a_server_restart_never_makes_a_counter_go_down() {
    let t = Target::new(Version::V14_3, T0 + 30).await;
    let first = t.scrape().await;
    t.at(T0 + 5 * 60 + 30);
    let before = t.scrape().await;
    // Down from 12:05:40 to 12:09:20: the minutes ending 12:06 … 12:10 lose their traffic
    // (12:06 was in progress at shutdown, 12:10 before the first maintenance run).
    t.sim.with(|s| {
        s.down = true;
        for m in 6..=10 {
            s.lost.insert(T0 + m * 60);
        }
    });
    t.at(T0 + 7 * 60);
    assert!(t.try_scrape().await.is_err());
    t.sim.with(|s| s.down = false);
    t.at(T0 + 12 * 60 + 30);
    let after = t.scrape().await;
    assert_eq!(after.watermark, Some(T0 + 11 * 60));
    assert_eq!(
        delta(&after, &before),
        nonzero(t.sum(T0 + 4 * 60, T0 + 11 * 60))
    );
    assert_eq!(delta(&after, &first), nonzero(t.sum(T0 - 60, T0 + 11 * 60)));
    assert_eq!(after.totals.missed_minutes, 0);
}

#[tokio::test]
async fn labels_going_back_count_nothing_twice() {
    let t = Target::new(Version::V13_6, T0 + 30).await;
    let first = t.scrape().await;
    t.at(T0 + 20 * 60 + 30);
    let ahead = t.scrape().await;
    assert_eq!(ahead.watermark, Some(T0 + 19 * 60));
    // The server's clock is set back 10 minutes: nothing is counted, no call is made.
    let calls = t.custom_calls().len();
    t.at(T0 + 10 * 60 + 30);
    let back = t.scrape().await;
    assert_eq!(back.totals, ahead.totals);
    assert_eq!(back.watermark, ahead.watermark);
    assert!(matches!(back.step, CountStep::Hold { .. }));
    assert!(matches!(
        back.warning,
        Some(CountersWarning::ClockBack { .. })
    ));
    assert_eq!(t.custom_calls().len(), calls);
    // Once the labels pass the watermark, counting resumes after it.
    t.at(T0 + 25 * 60 + 30);
    let resumed = t.scrape().await;
    assert_eq!(resumed.watermark, Some(T0 + 24 * 60));
    assert_eq!(
        delta(&resumed, &first),
        nonzero(t.sum(T0 - 60, T0 + 24 * 60))
    );
    assert_eq!(resumed.warning, None);
    // Set back 5 hours: counting starts afresh from the newest minute, counters keep their values.
    t.at(T0 + 25 * 60 + 30 - 5 * 3600);
    let far = t.scrape().await;
    assert_eq!(far.totals, resumed.totals);
    assert_eq!(far.watermark, Some(T0 + 24 * 60 - 5 * 3600));
    assert!(matches!(
        far.warning,
        Some(CountersWarning::Restarted { .. })
    ));
    t.at(T0 + 27 * 60 + 30 - 5 * 3600);
    let later = t.scrape().await;
    let w = later.watermark.unwrap();
    assert_eq!(
        delta(&later, &far),
        nonzero(t.sum(T0 + 24 * 60 - 5 * 3600, w))
    );
}

#[tokio::test]
async fn another_server_behind_the_url_starts_afresh_without_going_down() {
    let t = Target::new(Version::V15_2, T0 + 30).await;
    t.scrape().await;
    t.at(T0 + 10 * 60 + 30);
    let dns1 = t.scrape().await;
    t.sim.with(|s| {
        s.server_name = "dns2.sim.lan".to_owned();
        s.traffic_shift = 7 * 60;
    });
    t.at(T0 + 15 * 60 + 30);
    let switched = t.scrape().await;
    assert_eq!(
        switched.totals, dns1.totals,
        "nothing of dns2's past is added"
    );
    assert!(matches!(
        switched.warning,
        Some(CountersWarning::Restarted { .. })
    ));
    t.at(T0 + 18 * 60 + 30);
    let dns2 = t.scrape().await;
    assert_eq!(
        delta(&dns2, &switched),
        nonzero(t.sum(T0 + 14 * 60, T0 + 17 * 60))
    );
}

#[tokio::test]
async fn a_custom_answer_that_disagrees_counts_no_types_and_misses_the_minutes() {
    let t = Target::new(Version::V13_6, T0 + 30).await;
    let first = t.scrape().await;
    // In-memory stats: the store Custom reads stays empty.
    t.sim.with(|s| s.in_memory = true);
    t.at(T0 + 3 * 60 + 30);
    let bad = t.scrape().await;
    assert_eq!(bad.watermark, Some(T0 + 2 * 60));
    let d = delta(&bad, &first);
    let want = t.sum(T0 - 60, T0 + 2 * 60);
    assert_eq!(d.queries, want.queries, "totals still come from LastHour");
    assert_eq!(d.rcodes, want.rcodes);
    assert_eq!(d.outcomes, want.outcomes);
    assert!(d.qtypes.is_empty() && d.protocols.is_empty(), "{d:?}");
    assert_eq!(bad.totals.missed_minutes, 3);
    assert!(matches!(
        bad.warning,
        Some(CountersWarning::Mismatch { minutes: 3, .. })
    ));
    // One corrupt minute in an otherwise good range: the whole range is left out.
    t.sim.with(|s| {
        s.in_memory = false;
        s.corrupt.insert(T0 + 4 * 60);
    });
    t.at(T0 + 5 * 60 + 30);
    let one = t.scrape().await;
    assert!(delta(&one, &bad).qtypes.is_empty());
    assert_eq!(one.totals.missed_minutes, 5);
    assert!(matches!(
        one.warning,
        Some(CountersWarning::Mismatch { minutes: 1, .. })
    ));
    // Agreement again: types are counted, the warning clears.
    t.at(T0 + 6 * 60 + 30);
    let good = t.scrape().await;
    assert_eq!(delta(&good, &one), nonzero(t.sum(T0 + 4 * 60, T0 + 5 * 60)));
    assert_eq!(good.warning, None);
    assert_eq!(good.totals.missed_minutes, 5);
    let text = exposition(&good);
    assert_eq!(
        sample(
            &text,
            "technitium_derived_counters_missed_minute_buckets_total"
        ),
        Some(5.0)
    );
}

#[tokio::test]
async fn concurrent_scrapes_add_once() {
    let t = Target::new(Version::V14_3, T0 + 30).await;
    let first = t.scrape().await;
    t.at(T0 + 4 * 60 + 30);
    let (a, b, c) = tokio::join!(t.scrape(), t.scrape(), t.scrape());
    for d in [&a, &b, &c] {
        assert_eq!(d.watermark, Some(T0 + 3 * 60));
        assert_eq!(delta(d, &first), nonzero(t.sum(T0 - 60, T0 + 3 * 60)));
    }
    assert_eq!(t.custom_calls().len(), 1, "the minutes were fetched once");
    assert_eq!(
        [&a, &b, &c].iter().filter(|d| d.custom_call).count(),
        1,
        "one scrape counted, the others found nothing new"
    );
}

#[tokio::test]
async fn without_a_shared_answer_the_collector_reads_last_hour_itself() {
    let mut t = Target::new(Version::V15_2, T0 + 30).await;
    t.shared = false;
    let first = t.scrape().await;
    t.at(T0 + 2 * 60 + 30);
    let after = t.scrape().await;
    assert_eq!(delta(&after, &first), nonzero(t.sum(T0 - 60, T0 + 60)));
    assert_eq!(t.sim.with(|s| s.last_hour_calls), 2);
}

/// On v13 (and on a server that ignores `dontTrimQueryTypeData`) a range with more than ten
/// query types comes back trimmed: the named types are counted as the server sent them,
/// `other` is rebuilt so that the qtype counters sum to the queries that had a type.
async fn trimmed(version: Version, honours: bool) {
    let t = Target::new(version, T0 + 30).await;
    t.sim.with(|s| {
        s.types = 12;
        s.honours_untrim = honours;
    });
    let first = t.scrape().await;
    for i in 1..=8 {
        t.at(T0 + 30 + 15 * i);
        t.scrape().await;
    }
    t.at(T0 + 5 * 60 + 30);
    let last = t.scrape().await;
    let w = last.watermark.unwrap();
    let d = delta(&last, &first);
    let want = t.sum(T0 - 60, w);
    let answered = want.queries - want.outcomes[4];
    assert_eq!(
        d.qtypes.values().sum::<u64>(),
        answered,
        "qtypes sum to typed queries"
    );
    let expected: BTreeMap<String, u64> = t
        .sim
        .with(|s| s.expected_trimmed_qtypes())
        .into_iter()
        .filter(|(_, v)| *v > 0)
        .collect();
    assert_eq!(d.qtypes, expected);
    assert!(d.qtypes["other"] > 0, "the lost tenth type is in other");
    assert_eq!(d.protocols, want.protocols);
}

#[tokio::test]
async fn trimmed_query_types_v13_6() {
    trimmed(Version::V13_6, true).await;
}

#[tokio::test]
async fn trimmed_query_types_v14_3_when_the_flag_is_ignored() {
    trimmed(Version::V14_3, false).await;
}

#[tokio::test]
async fn untrimmed_query_types_v14_3_are_exact() {
    let t = Target::new(Version::V14_3, T0 + 30).await;
    t.sim.with(|s| s.types = 12);
    let first = t.scrape().await;
    t.at(T0 + 7 * 60 + 30);
    let after = t.scrape().await;
    let d = delta(&after, &first);
    let want = nonzero(t.sum(T0 - 60, T0 + 6 * 60));
    assert_eq!(d, want);
    assert_eq!(d.qtypes.len(), 12);
}

#[tokio::test]
async fn the_state_file_continues_the_counters_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("counters.json");
    let sim = SimServer::start(Version::V13_6, T0 + 30).await;
    let url = sim.uri();
    let client = Client::new(&client_config(&url)).unwrap();
    // One textfile run: load, scrape, save.
    let run = |now: i64| {
        let sim = &sim;
        let client = &client;
        let path = &path;
        let url = &url;
        async move {
            sim.with(|s| s.now = now);
            let (engine, _) = state_file::load(path, url, now).unwrap();
            let state = CountersState::new(engine);
            let info = client.session().await.unwrap();
            let data = counters::fetch(
                client,
                &state,
                Inputs {
                    last_hour: None,
                    server: info.dns_server_domain.as_deref(),
                    version: parse_version(&info.version),
                },
            )
            .await
            .unwrap();
            state_file::save(path, url, &state.engine().await).unwrap();
            data
        }
    };
    let first = run(T0 + 30).await;
    for m in 1..=5 {
        run(T0 + 30 + 60 * m).await;
    }
    let last = run(T0 + 30 + 60 * 6).await;
    assert_eq!(
        delta(&last, &first),
        nonzero(sim.with(|s| s.sum(T0 - 60, T0 + 5 * 60)))
    );
    // A corrupt file is a warning and a fresh start: counters from 0, never a partial state.
    std::fs::write(
        &path,
        b"{\"format\": \"technitium-exporter-derived-counters\", \"vers",
    )
    .unwrap();
    let (engine, loaded) = state_file::load(&path, &url, T0).unwrap();
    assert_eq!(engine, Engine::default());
    assert!(matches!(loaded, state_file::Loaded::Discarded(_)));
    let fresh = run(T0 + 30 + 60 * 7).await;
    assert_eq!(fresh.totals.queries, 0);
    assert!(matches!(fresh.step, CountStep::Anchor { .. }));
    // Another target's file is not continued either.
    let (_, loaded) = state_file::load(&path, "http://elsewhere:5380", T0).unwrap();
    assert!(matches!(loaded, state_file::Loaded::Discarded(ref r) if r.contains("belongs to")));
}

#[tokio::test]
async fn write_renders_every_family_with_exact_values() {
    let t = Target::new(Version::V13_6, T0 + 30).await;
    t.scrape().await;
    t.at(T0 + 60 + 30);
    let v13 = t.scrape().await;
    let m = t.sim.with(|s| s.minute(T0));
    let text = exposition(&v13);
    assert_eq!(
        sample(&text, "technitium_queries_total"),
        Some(m.total as f64)
    );
    assert_eq!(
        sample(&text, "technitium_responses_total{rcode=\"NXDOMAIN\"}"),
        Some(m.rcodes[2] as f64)
    );
    assert_eq!(
        sample(
            &text,
            "technitium_query_outcomes_total{outcome=\"dropped\"}"
        ),
        Some(m.outcomes[4] as f64)
    );
    let a = m.qtypes.iter().find(|(q, _)| *q == "A").unwrap().1;
    assert_eq!(
        sample(&text, "technitium_qtype_queries_total{qtype=\"A\"}"),
        Some(a as f64)
    );
    assert_eq!(
        sample(&text, "technitium_qtype_queries_total{qtype=\"other\"}"),
        Some(0.0)
    );
    for p in ["udp", "tcp", "tls", "https", "quic"] {
        assert!(
            sample(
                &text,
                &format!("technitium_protocol_queries_total{{protocol=\"{p}\"}}")
            )
            .is_some(),
            "protocol {p} always present"
        );
    }
    assert_eq!(
        sample(
            &text,
            "technitium_derived_counters_minute_timestamp_seconds"
        ),
        Some(T0 as f64)
    );
    assert!(text.contains("# TYPE technitium_qtype_queries_total counter\n"));
    assert!(text.contains("# TYPE technitium_derived_counters_minute_timestamp_seconds gauge\n"));

    // v15+: the lifetime collector owns the query, rcode and outcome counters.
    let t = Target::new(Version::V15_2, T0 + 30).await;
    let v15 = t.scrape().await;
    let text = exposition(&v15);
    assert!(!text.contains("technitium_queries_total"));
    assert!(!text.contains("technitium_responses_total"));
    assert!(text.contains("technitium_qtype_queries_total{qtype=\"A\"} 0\n"));
}

#[tokio::test]
async fn a_custom_range_longer_than_two_hours_cannot_be_asked_for() {
    // The server answers a range longer than 2 hours per hour (upstream #1975: reaching into
    // the unsaved hour broke its hourly stats): the client cannot even make such a call.
    let t = Target::new(Version::V15_2, T0 + 30).await;
    let newest_final = t.sim.with(|s| s.newest_final());
    assert_eq!(
        CustomRange::new(T0 - 4 * 3600, newest_final, newest_final),
        Err(RangeError::TooLong { minutes: 239 })
    );
    // Exactly 2 hours is still per minute: 121 buckets.
    let range = CustomRange::new(newest_final - 7200, newest_final, newest_final).unwrap();
    let answer = t.client.stats_custom(range, true).await.unwrap();
    let m = counters::Minutes::from_chart(answer.main_chart_data.as_ref().unwrap()).unwrap();
    assert_eq!((m.first, m.rows.len()), (newest_final - 7200, 121));
}

/// Upstream #1975: every `Custom` call the counters send, catching up a gap of several hours
/// across hour boundaries (the newest final minute on an hour, then one minute past it), is
/// at most 2 hours long and ends at or before the newest final minute the server had then.
#[tokio::test]
async fn custom_calls_at_the_hour_boundary_stay_minute_wise_and_final() {
    let t = Target::new(Version::V15_2, T0 + 30).await;
    t.scrape().await;
    let mut asked = Vec::new();
    // Scrapes 15 s apart from 16:59:30, five hours after the watermark, past 17:01.
    for at in (0..12).map(|i| T0 + 5 * 3600 - 30 + 15 * i) {
        t.at(at);
        let before = t.custom_calls().len();
        let data = t.scrape().await;
        let newest_final = t.sim.with(|s| s.newest_final());
        for (start, end) in t.custom_calls().split_off(before) {
            assert!(end - start <= 7200, "{start}…{end}: longer than 2 hours");
            assert!(
                end <= newest_final,
                "{end} past the newest final {newest_final}"
            );
            asked.push((start, end));
        }
        assert!(data.watermark.unwrap() <= newest_final);
    }
    // The gap was caught up in chunks, the last of them ending on the hour.
    assert!(asked.len() >= 3, "{asked:?}");
    assert!(asked.iter().any(|(_, end)| end % 3600 == 0), "{asked:?}");
}

#[tokio::test]
async fn the_demo_serves_per_minute_data_that_passes_the_cross_check() {
    use technitium_exporter::demo::DemoVersion;
    for (version, v) in [(DemoVersion::V13_6, (13, 6)), (DemoVersion::V14_3, (14, 3))] {
        let demo = technitium_exporter::demo::start(version, 5).await.unwrap();
        let mut config = client_config(demo.url.as_str());
        config.token = Some(demo.token.clone());
        let client = Client::new(&config).unwrap();
        let info = client.session().await.unwrap();
        let stats = client.stats(Window::LastHour, v.0 >= 14).await.unwrap();
        let lh = counters::Minutes::from_chart(stats.main_chart_data.as_ref().unwrap()).unwrap();
        let newest_final = lh.newest_final().unwrap();
        // Continue from 10 minutes back: one Custom call covers them, and it agrees.
        let mut engine = Engine::default();
        engine.anchor(
            newest_final - 600,
            counters::AnchorReason::First,
            info.dns_server_domain.as_deref(),
        );
        let state = CountersState::new(engine);
        let data = counters::fetch(
            &client,
            &state,
            Inputs {
                last_hour: Some(&stats),
                server: info.dns_server_domain.as_deref(),
                version: Some(v),
            },
        )
        .await
        .unwrap();
        assert!(data.custom_call);
        assert_eq!(data.watermark, Some(newest_final));
        assert_eq!(data.warning, None, "{version:?}");
        let want: u64 = (0..10)
            .map(|i| lh.get(newest_final - 540 + 60 * i).unwrap().total)
            .sum();
        assert!(want > 0);
        assert_eq!(data.totals.queries, want);
        assert_eq!(
            data.totals.qtypes.values().sum::<u64>(),
            want,
            "{version:?}"
        );
        assert_eq!(data.totals.protocols.values().sum::<u64>(), want);
    }
}

/// The whole path, as `serve` runs it: the collector with `dashboard` and `counters` sharing one
/// LastHour call per scrape, scraped every 15 s for eight minutes. Between any two scrapes,
/// each derived counter's increase equals the server's per-minute data summed over the minutes
/// between the two watermarks, exactly.
#[tokio::test]
async fn through_the_collector_increases_match_the_servers_minutes_every_15_s() {
    use technitium_exporter::collector::Scraper;
    for version in [Version::V13_6, Version::V14_3, Version::V15_2] {
        let sim = SimServer::start(version, T0 + 5).await;
        let client = Client::new(&client_config(&sim.uri())).unwrap();
        let c = Scraper::new(client, crate::common::only(&["dashboard", "counters"]));
        let mut previous: Option<(f64, String)> = None;
        let scrapes = 8 * 4;
        for step in 0..scrapes {
            sim.with(|s| s.now = T0 + 5 + 15 * step);
            let snapshot = crate::common::collect(&c, std::time::Duration::from_secs(10)).await;
            assert!(snapshot.up());
            let text = crate::common::text(&snapshot);
            let watermark = sample(
                &text,
                "technitium_derived_counters_minute_timestamp_seconds",
            )
            .unwrap_or_else(|| panic!("no watermark:\n{text}"));
            if let Some((before, old)) = &previous {
                #[allow(clippy::cast_possible_truncation)]
                let want = sim.with(|s| s.sum(*before as i64, watermark as i64));
                let increase = |series: &str| {
                    sample(&text, series).unwrap_or(0.0) - sample(old, series).unwrap_or(0.0)
                };
                for (qtype, n) in &want.qtypes {
                    let series = format!("technitium_qtype_queries_total{{qtype=\"{qtype}\"}}");
                    assert_eq!(
                        increase(&series),
                        *n as f64,
                        "{version:?} step {step}: {series}"
                    );
                }
                for (protocol, n) in &want.protocols {
                    let series =
                        format!("technitium_protocol_queries_total{{protocol=\"{protocol}\"}}");
                    assert_eq!(
                        increase(&series),
                        *n as f64,
                        "{version:?} step {step}: {series}"
                    );
                }
                if version != Version::V15_2 {
                    let q = increase("technitium_queries_total");
                    assert_eq!(q, want.queries as f64, "{version:?} step {step}");
                }
            }
            previous = Some((watermark, text));
        }
        let (last_hour, custom) = sim.with(|s| (s.last_hour_calls, s.custom_calls.len()));
        assert_eq!(
            last_hour,
            usize::try_from(scrapes).unwrap(),
            "one shared LastHour call per scrape"
        );
        assert!(
            (7..=8).contains(&custom),
            "about one Custom call a minute: {custom}"
        );
    }
}

/// `textfile --state.file` continues the counters from run to run; a corrupt file is a warning
/// and a fresh start, never a failed run.
#[tokio::test(flavor = "multi_thread")]
async fn textfile_runs_continue_the_counters_from_the_state_file() {
    // The binary checks the watermark against this machine's clock: a whole minute of it.
    let t0 = state_file::unix_now().div_euclid(60) * 60;
    let sim = SimServer::start(Version::V13_6, t0 + 30).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state").join("counters.json");
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    let run = |url: String, dir: std::path::PathBuf, state: std::path::PathBuf| async move {
        let mut cmd = crate::common::exporter_command();
        cmd.args(["textfile", "--technitium.url", &url, "--technitium.token"])
            .arg(crate::common::TOKEN)
            .arg("--output.dir")
            .arg(&dir)
            .arg("--state.file")
            .arg(&state);
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        (
            std::fs::read_to_string(dir.join("technitium.prom")).unwrap(),
            stderr,
        )
    };
    let go = || run(sim.uri(), dir.path().to_owned(), state.clone());
    let (first, _) = go().await;
    assert_eq!(sample(&first, "technitium_queries_total"), Some(0.0));
    for m in 1..=4 {
        sim.with(|s| s.now = t0 + 30 + 60 * m);
        go().await;
    }
    let (last, _) = go().await;
    let want = sim.with(|s| s.sum(t0 - 60, t0 + 3 * 60));
    assert_eq!(
        sample(&last, "technitium_queries_total"),
        Some(want.queries as f64)
    );
    assert_eq!(
        sample(&last, "technitium_qtype_queries_total{qtype=\"A\"}"),
        Some(want.qtypes["A"] as f64)
    );
    assert_eq!(
        sim.with(|s| s.custom_calls.len()),
        4,
        "one Custom call per new minute"
    );
    std::fs::write(&state, b"{ not json").unwrap();
    sim.with(|s| s.now = t0 + 30 + 60 * 6);
    let (fresh, stderr) = go().await;
    assert_eq!(sample(&fresh, "technitium_queries_total"), Some(0.0));
    assert!(stderr.contains("derived counters start afresh"), "{stderr}");
}

/// A single `scrape` without `--state.file` emits no derived counters, makes no call for them,
/// and says why in its table.
#[test]
fn a_single_scrape_without_a_state_file_says_why_it_has_no_counters() {
    let out = crate::common::exporter_command()
        .args(["scrape", "--demo", "--table"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("counters"), "{table}");
    assert!(
        table.contains("not applicable: a single run has nothing to count against"),
        "{table}"
    );
    let out = crate::common::exporter_command()
        .args(["scrape", "--demo"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("technitium_qtype_queries_total"), "{text}");
    assert!(
        !text.contains("collector=\"counters\""),
        "not applicable: no success series"
    );
}
