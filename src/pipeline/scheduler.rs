//! Which task to fetch next: a window of pending frontier tasks queued per
//! host, handed out so that every host is busy at once but none has more
//! than its share in flight (one at a time on the network, where pacing is
//! per host; any number in replay, where there is no host to be polite to).
//! A task stays claimed from the moment it enters the window until its
//! outcome is committed, so it is never fetched twice in a run. In replay,
//! index and e-paper pages go ahead of the articles queued for their host:
//! a listing's next page is then fetched at once rather than after every
//! article found so far, and discovery keeps ahead of the fetchers.

use crate::crawl::host_key;
use crate::model::Role;
use crate::store::FrontierItem;
use std::collections::{HashMap, HashSet, VecDeque};

pub(super) struct Window {
    queues: HashMap<String, VecDeque<FrontierItem>>,
    /// Hosts in the order they are offered work (round robin).
    turn: VecDeque<String>,
    busy: HashMap<String, usize>,
    claimed: HashSet<i64>,
    per_host: usize,
    links_first: bool,
}

impl Window {
    /// `links_first`: index and e-paper pages ahead of queued articles
    /// (replay); otherwise every host's tasks go in the order read.
    pub(super) fn new(per_host: usize, links_first: bool) -> Window {
        Window {
            queues: HashMap::new(),
            turn: VecDeque::new(),
            busy: HashMap::new(),
            claimed: HashSet::new(),
            per_host: per_host.max(1),
            links_first,
        }
    }

    /// Tasks claimed (queued, in flight or awaiting commit).
    pub(super) fn claimed(&self) -> usize {
        self.claimed.len()
    }

    /// Tasks queued and not yet handed out.
    #[cfg(test)]
    pub(super) fn queued(&self) -> usize {
        self.queues.values().map(VecDeque::len).sum()
    }

    /// Add pending tasks read from the store; those already claimed are skipped.
    pub(super) fn refill(&mut self, items: Vec<FrontierItem>) -> usize {
        let mut added = 0;
        for item in items {
            if !self.claimed.insert(item.id) {
                continue;
            }
            let host = url::Url::parse(&item.url)
                .map(|u| host_key(&u))
                .unwrap_or_default();
            let q = self.queues.entry(host.clone()).or_default();
            if q.is_empty() && !self.turn.contains(&host) {
                self.turn.push_back(host);
            }
            if self.links_first && item.role != Role::Article {
                // After the links already ahead, before the first article.
                let at = q
                    .iter()
                    .position(|i| i.role == Role::Article)
                    .unwrap_or(q.len());
                q.insert(at, item);
            } else {
                q.push_back(item);
            }
            added += 1;
        }
        added
    }

    /// The next task whose host has room, taking hosts in turn.
    pub(super) fn next_ready(&mut self) -> Option<FrontierItem> {
        for _ in 0..self.turn.len() {
            let host = self.turn.pop_front()?;
            let busy = self.busy.get(&host).copied().unwrap_or(0);
            let Some(q) = self.queues.get_mut(&host) else {
                continue;
            };
            if busy < self.per_host
                && let Some(item) = q.pop_front()
            {
                *self.busy.entry(host.clone()).or_default() += 1;
                if !q.is_empty() {
                    self.turn.push_back(host);
                } else {
                    self.queues.remove(&host);
                }
                return Some(item);
            }
            self.turn.push_back(host);
        }
        None
    }

    /// A fetch ended: its host has room again (the task stays claimed).
    pub(super) fn fetched(&mut self, item: &FrontierItem) {
        let host = url::Url::parse(&item.url)
            .map(|u| host_key(&u))
            .unwrap_or_default();
        if let Some(n) = self.busy.get_mut(&host) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.busy.remove(&host);
            }
        }
        if self.queues.contains_key(&host) && !self.turn.contains(&host) {
            self.turn.push_back(host);
        }
    }

    /// A task's outcome is committed: it may be read from the store again.
    pub(super) fn committed(&mut self, id: i64) {
        self.claimed.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, url: &str) -> FrontierItem {
        FrontierItem {
            id,
            source: "s".into(),
            url: url.into(),
            role: Role::Article,
            context: "{}".into(),
            attempts: 0,
        }
    }

    #[test]
    fn one_task_per_host_in_flight_and_hosts_take_turns() {
        let mut w = Window::new(1, false);
        w.refill(vec![
            item(1, "http://a.example/1"),
            item(2, "http://a.example/2"),
            item(3, "http://b.example/1"),
            item(4, "http://c.example/1"),
        ]);
        let first: Vec<i64> = std::iter::from_fn(|| w.next_ready())
            .map(|i| i.id)
            .collect();
        assert_eq!(first, vec![1, 3, 4], "one per host, a's second waits");
        w.fetched(&item(1, "http://a.example/1"));
        assert_eq!(w.next_ready().map(|i| i.id), Some(2));
        assert_eq!(w.next_ready().map(|i| i.id), None);
    }

    #[test]
    fn claimed_tasks_are_not_queued_twice_until_committed() {
        let mut w = Window::new(2, false);
        assert_eq!(w.refill(vec![item(1, "http://a.example/1")]), 1);
        assert_eq!(w.refill(vec![item(1, "http://a.example/1")]), 0);
        let got = w.next_ready().expect("task");
        w.fetched(&got);
        assert_eq!(
            w.refill(vec![item(1, "http://a.example/1")]),
            0,
            "awaiting commit"
        );
        w.committed(1);
        assert_eq!(w.refill(vec![item(1, "http://a.example/1")]), 1);
        assert_eq!(w.claimed(), 1);
        assert_eq!(w.queued(), 1);
    }

    #[test]
    fn replay_lets_several_tasks_of_one_host_run() {
        let mut w = Window::new(3, true);
        w.refill(
            (1..=5)
                .map(|n| item(n, &format!("http://a.example/{n}")))
                .collect(),
        );
        let got: Vec<i64> = std::iter::from_fn(|| w.next_ready())
            .map(|i| i.id)
            .collect();
        assert_eq!(got, vec![1, 2, 3]);
    }

    #[test]
    fn links_go_ahead_of_queued_articles_only_when_asked() {
        let link = |id: i64, url: &str| FrontierItem {
            role: Role::Index,
            ..item(id, url)
        };
        for (links_first, want) in [(true, vec![4, 5, 1, 2, 3]), (false, vec![1, 2, 3, 4, 5])] {
            let mut w = Window::new(8, links_first);
            w.refill(vec![
                item(1, "http://a.example/1"),
                item(2, "http://a.example/2"),
            ]);
            w.refill(vec![
                item(3, "http://a.example/3"),
                link(4, "http://a.example/index_1.html"),
                link(5, "http://a.example/index_2.html"),
            ]);
            let got: Vec<i64> = std::iter::from_fn(|| w.next_ready())
                .map(|i| i.id)
                .collect();
            assert_eq!(got, want, "links_first = {links_first}");
        }
    }
}
