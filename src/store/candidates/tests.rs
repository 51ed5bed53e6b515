//! Unit tests of `candidates`.
use super::*;
use crate::model::{Article, ExtractorKind, SourceId};

fn article(n: u32) -> Article {
    let url = format!("http://paper.people.com.cn/rmrb/pc/content/202603/03/content_{n}.html");
    Article {
        id: ArticleId::from_canonical_url(&url),
        url: url.clone(),
        canonical_url: url,
        source: SourceId("people-daily".into()),
        outlet: "人民日报".into(),
        item: "B1".into(),
        title: format!("万州城投集团深化改革 第{n}篇"),
        pretitle: None,
        subtitle: None,
        author: None,
        published: NaiveDate::from_ymd_opt(2026, 3, 3),
        page: None,
        body: "万州城投集团推进混合所有制改革。".into(),
        extractor: ExtractorKind::Selectors,
        citation: None,
        warnings: vec![],
    }
}

fn candidate(a: &Article) -> NewCandidate {
    NewCandidate {
        enterprise: "wz-ctjt".into(),
        named_enterprise: "wz-ctjt".into(),
        item: "B1".into(),
        report_key: a.id.0.clone(),
        article_id: a.id.clone(),
        cites_article: None,
        points: 1.0,
        published: a.published,
        outlet: a.outlet.clone(),
        confidence: Confidence::High,
        score: 0.9,
        reasons: vec!["标题中出现简称".into()],
        signals: DepthSignals::default(),
        status: CandidateStatus::Pending,
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open(&dir.path().join("radar.sqlite")).expect("store");
    (dir, store)
}

#[test]
fn decisions_survive_rematching_and_lost_matches_withdraw_only_pending() {
    let (_d, mut store) = store();
    let (a, b) = (article(1), article(2));
    let (ida, idb) = store
        .transaction(|tx| {
            tx.upsert_article(&a, None, 1)?;
            tx.upsert_article(&b, None, 2)?;
            let (ida, new_a) = tx.upsert_candidate(&candidate(&a))?;
            let (idb, _) = tx.upsert_candidate(&candidate(&b))?;
            assert!(new_a);
            Ok((ida, idb))
        })
        .expect("tx");
    store
        .set_candidate_status(ida, CandidateStatus::Confirmed, "reviewer")
        .expect("confirm");
    store
        .transaction(|tx| {
            // Matching again proposes the same: the decision stays.
            let (again, new) = tx.upsert_candidate(&candidate(&a))?;
            assert_eq!((again, new), (ida, false));
            // Both matches disappear.
            tx.withdraw_candidate(ida, CandidateStatus::Confirmed, "registry changed")?;
            tx.withdraw_candidate(idb, CandidateStatus::Pending, "registry changed")?;
            Ok(())
        })
        .expect("tx");
    let all = store.candidates(&CandidateFilter::default()).expect("list");
    let status = |id| all.iter().find(|c| c.id == id).map(|c| c.status);
    assert_eq!(status(ida), Some(CandidateStatus::Confirmed));
    assert_eq!(status(idb), Some(CandidateStatus::Withdrawn));
    let history = store.candidate_history(ida).expect("history");
    assert_eq!(
        history.len(),
        3,
        "proposed, confirmed, match lost: {history:?}"
    );
    // The withdrawn one comes back when it matches again.
    store
        .transaction(|tx| tx.upsert_candidate(&candidate(&b)).map(|_| ()))
        .expect("tx");
    let pending = store
        .candidates(&CandidateFilter {
            status: Some(CandidateStatus::Pending),
            ..Default::default()
        })
        .expect("list");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, idb);
}

#[test]
fn a_near_copy_in_the_same_outlet_is_the_same_report() {
    let (_d, mut store) = store();
    let (a, b) = (article(1), article(2));
    store
        .transaction(|tx| {
            let (ha, hb) = (0xF0F0_1234_5678_9AB0_u64, 0xF0F0_1234_5678_9AB1_u64);
            tx.upsert_article(&a, None, ha)?;
            tx.upsert_article(&b, None, hb)?;
            tx.upsert_candidate(&candidate(&a))?;
            let key = tx.same_report("wz-ctjt", "B1", "人民日报", &b.id, hb, b.published, 3)?;
            assert_eq!(key.as_deref(), Some(a.id.as_str()));
            let other = tx.same_report("wz-ctjt", "B1", "光明日报", &b.id, hb, b.published, 3)?;
            assert_eq!(other, None, "another outlet's copy is its own item");
            Ok(())
        })
        .expect("tx");
}

#[test]
fn a_lead_citation_never_replaces_the_print_article() {
    let (_d, mut store) = store();
    let (print, lead) = (article(1), article(2));
    store
        .transaction(|tx| {
            tx.upsert_article(&print, None, 1)?;
            tx.upsert_article(&lead, None, 2)?;
            let (id, _) = tx.upsert_candidate(&candidate(&print))?;
            let mut cited = candidate(&lead);
            cited.report_key = print.id.0.clone();
            cited.cites_article = Some(lead.id.clone());
            let (same, new) = tx.upsert_candidate(&cited)?;
            assert_eq!((same, new), (id, false));
            Ok(())
        })
        .expect("tx");
    let all = store.candidates(&CandidateFilter::default()).expect("list");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].article_id, print.id.0);
    assert_eq!(all[0].cites_article, None);
}
