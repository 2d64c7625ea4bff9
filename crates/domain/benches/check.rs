//! Throughput of the rule engine on 10,000 varied, deterministic timelines of about ten events
//! (ordinary cases with and without hearings, preservation, seizures, recusals, late service and
//! payment, summary cases), single-threaded. Prints two figures:
//!
//! - `timeline checks/s (engine only)`: [`check_timeline`] on timelines already in memory;
//! - `timeline checks/s (parse YAML + check + JSON)`: the whole `fazhi case check` path — the
//!   timeline's YAML text (rendered before timing) parsed with [`Timeline::from_yaml`], checked,
//!   and the report serialized to JSON.
//!
//! Run with `cargo bench -p fazhi-domain --bench check`. Target: ≥ 20,000 checks/s for the
//! second figure on one core.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_domain::catalogue::Catalogue;
use fazhi_domain::config::RulesConfig;
use fazhi_domain::engine::{CheckContext, check_timeline};
use fazhi_domain::timeline::{
    Certificate, CloseReason, DecisionFacts, DecisionOutcome, Event, EventKind, Officer, Party,
    PartyKind, PaymentMethod, Penalty, Procedure, ReviewResult, Right, ServiceMethod, Timeline,
    Yuan,
};

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn officers() -> Vec<Officer> {
    let cert = |no: &str, from: NaiveDate, until: NaiveDate| Certificate {
        no: no.to_owned(),
        valid_from: from,
        valid_until: until,
        suspended_from: None,
        suspended_until: None,
    };
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
    vec![
        Officer {
            id: "A".to_owned(),
            certificate: Some(cert("豫41000001", d(2024, 1, 1), d(2026, 12, 31))),
        },
        Officer {
            id: "B".to_owned(),
            certificate: Some(cert("豫41000002", d(2024, 1, 1), d(2026, 12, 31))),
        },
        Officer {
            id: "C".to_owned(),
            certificate: None,
        },
        Officer {
            id: "D".to_owned(),
            certificate: Some(cert("豫41000004", d(2024, 1, 1), d(2026, 12, 31))),
        },
        Officer {
            id: "E".to_owned(),
            certificate: Some(cert("豫41000005", d(2022, 1, 1), d(2025, 9, 30))),
        },
    ]
}

fn event(on: NaiveDate, officers: &[&str], kind: EventKind) -> Event {
    Event {
        on,
        officers: officers.iter().map(|s| (*s).to_owned()).collect(),
        note: None,
        kind,
    }
}

/// One timeline; `rng` decides the shape.
fn generate(rng: &mut Lcg, officers: &[Officer]) -> Timeline {
    let start =
        NaiveDate::from_ymd_opt(2025, 1, 2).unwrap_or(NaiveDate::MIN) + Days::new(rng.below(300));
    let mut on = start;
    let mut step = |rng: &mut Lcg, max: u64| {
        on = on + Days::new(rng.below(max));
        on
    };
    let pair: &[&str] = match rng.below(10) {
        0 => &["A", "C"],
        1 => &["A", "E"],
        _ => &["A", "B"],
    };
    let party = if rng.chance(30) {
        PartyKind::Organisation
    } else {
        PartyKind::Individual
    };
    let mut events = Vec::with_capacity(12);
    let summary = rng.chance(20);
    if summary {
        let fine = Yuan::from_yuan(20 + rng.below(400));
        events.push(event(
            step(rng, 3),
            pair,
            EventKind::SummaryPenalty {
                penalty: Penalty {
                    fine: Some(fine),
                    warning: rng.chance(30),
                    ..Penalty::default()
                },
                facts: DecisionFacts::default(),
            },
        ));
        let paid_on = step(rng, 20);
        let on_spot = rng.chance(50);
        events.push(event(
            paid_on,
            &[],
            EventKind::Payment {
                amount: fine,
                surcharge: Yuan::ZERO,
                method: if on_spot {
                    PaymentMethod::OnSpot
                } else {
                    PaymentMethod::Bank
                },
                remote: false,
                handed_in_on: on_spot.then(|| paid_on + Days::new(rng.below(5))),
                hard_to_collect_later: false,
            },
        ));
    } else {
        events.push(event(step(rng, 5), &[], EventKind::Lead));
        events.push(event(step(rng, 10), pair, EventKind::Register));
        events.push(event(step(rng, 10), pair, EventKind::Evidence));
        if rng.chance(10) {
            let on = step(rng, 3);
            let emergency = rng.chance(50);
            events.push(event(
                on,
                pair,
                EventKind::CoerciveMeasure {
                    until: on + Days::new(10 + rng.below(30)),
                    extended: false,
                    emergency,
                    approved: !emergency,
                    reported_on: emergency.then(|| on + Days::new(rng.below(3))),
                    record: true,
                },
            ));
        }
        if rng.chance(5) {
            events.push(event(step(rng, 3), &["D"], EventKind::Recusal));
        }
        if rng.chance(30) {
            events.push(event(step(rng, 3), pair, EventKind::Preservation));
            events.push(event(step(rng, 12), &[], EventKind::PreservationDecision));
        }
        let fine = Yuan::from_yuan(100 * (1 + rng.below(100)));
        let proposed = Penalty {
            fine: Some(fine),
            licence_suspension: rng.chance(5),
            ..Penalty::default()
        };
        let hearing = rng.chance(50);
        let mut rights = vec![Right::Statement, Right::Defence];
        if hearing || rng.chance(20) {
            rights.push(Right::Hearing);
        }
        events.push(event(
            step(rng, 40),
            pair,
            EventKind::AdvanceNotice {
                proposed: proposed.clone(),
                rights,
            },
        ));
        if hearing {
            events.push(event(step(rng, 7), &[], EventKind::HearingRequest));
            let notice = step(rng, 4);
            events.push(event(
                notice,
                &[],
                EventKind::HearingNotice {
                    hearing_on: notice + Days::new(7 + rng.below(10)),
                },
            ));
            events.push(event(
                step(rng, 18),
                &[],
                EventKind::Hearing {
                    chair: Some("D".to_owned()),
                },
            ));
        } else {
            events.push(event(step(rng, 8), &[], EventKind::Defence));
        }
        events.push(event(
            step(rng, 5),
            &[],
            EventKind::LegalReview {
                result: if rng.chance(90) {
                    ReviewResult::Pass
                } else {
                    ReviewResult::Fail
                },
            },
        ));
        if rng.chance(70) {
            events.push(event(step(rng, 3), &[], EventKind::Deliberation));
        }
        let decided = if rng.chance(10) {
            Penalty {
                fine: Some(fine.saturating_add(Yuan::from_yuan(500))),
                ..proposed
            }
        } else {
            proposed
        };
        events.push(event(
            step(rng, 10),
            pair,
            EventKind::Decision {
                outcome: DecisionOutcome::Penalty(decided),
                facts: DecisionFacts {
                    mitigated: rng.chance(5),
                    ..DecisionFacts::default()
                },
            },
        ));
        events.push(event(
            step(rng, 12),
            &[],
            EventKind::Service {
                method: match rng.below(6) {
                    0 => ServiceMethod::Postal,
                    1 => ServiceMethod::PublicNotice,
                    2 => ServiceMethod::Email,
                    _ => ServiceMethod::Direct,
                },
                consent: rng.chance(50),
                posted_on: None,
            },
        ));
        if rng.chance(80) {
            let late = step(rng, 30);
            events.push(event(
                late,
                &[],
                EventKind::Payment {
                    amount: fine,
                    surcharge: if rng.chance(20) {
                        Yuan::from_yuan(rng.below(300))
                    } else {
                        Yuan::ZERO
                    },
                    method: PaymentMethod::Bank,
                    remote: false,
                    handed_in_on: None,
                    hard_to_collect_later: false,
                },
            ));
            events.push(event(
                step(rng, 5),
                &[],
                EventKind::Close {
                    reason: CloseReason::Executed,
                    ground: None,
                },
            ));
        } else {
            events.push(event(
                step(rng, 200),
                &[],
                EventKind::Demand { deadline: None },
            ));
            events.push(event(
                step(rng, 30),
                &[],
                EventKind::CourtEnforcementApplication,
            ));
        }
    }
    Timeline {
        party: Party {
            kind: party,
            name: "某当事人".to_owned(),
            minor_under_14: false,
            birth_date: None,
        },
        procedure: if summary {
            Procedure::Summary
        } else {
            Procedure::Ordinary
        },
        act_date: start - Days::new(rng.below(900)),
        violation: rng.chance(50).then(|| "zhan_dao_jing_ying".to_owned()),
        serious_harm: false,
        major: rng.chance(10),
        officers: officers.to_vec(),
        events,
        record: None,
    }
}

/// Runs `f` over every item for about three seconds and returns the items per second.
fn rate<T>(items: &[T], mut f: impl FnMut(&T) -> usize) -> f64 {
    let mut done = 0u64;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        for item in items {
            black_box(f(black_box(item)));
        }
        done += items.len() as u64;
    }
    done as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let officers = officers();
    let mut rng = Lcg(20_250_220);
    let timelines: Vec<Timeline> = (0..10_000).map(|_| generate(&mut rng, &officers)).collect();
    let events: usize = timelines.iter().map(|t| t.events.len()).sum();

    let calendar = Calendar::china();
    let rules = RulesConfig::default();
    let catalogue = Catalogue::sample();
    let ctx = CheckContext {
        calendar: &calendar,
        rules: &rules,
        catalogue: Some(&catalogue),
        today: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or(NaiveDate::MIN),
    };

    // A census of what the generated cases contain (and a warm-up).
    let (mut violations, mut deadlines, mut errors) = (0usize, 0usize, 0usize);
    for t in &timelines {
        match check_timeline(t, &ctx) {
            Ok(r) => {
                violations += r.violations.len();
                deadlines += r.deadlines.len();
            }
            Err(_) => errors += 1,
        }
    }
    println!(
        "{} timelines, {:.1} events each, {violations} violations, {deadlines} deadlines, {errors} errors",
        timelines.len(),
        events as f64 / timelines.len() as f64
    );

    // The engine alone, on timelines already in memory.
    let engine = rate(&timelines, |t| {
        check_timeline(t, &ctx).map_or(0, |r| r.violations.len())
    });
    println!("timeline checks/s (engine only): {engine:.0}");

    // The whole `fazhi case check` path: YAML text → timeline → report → JSON text. The texts
    // are rendered before timing.
    let texts: Vec<String> = timelines.iter().map(Timeline::to_yaml).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let parse_errors = texts
        .iter()
        .filter(|text| Timeline::from_yaml(text).is_err())
        .count();
    println!(
        "{} YAML texts, {:.0} bytes each, {parse_errors} parse errors",
        texts.len(),
        bytes as f64 / texts.len() as f64
    );
    let full = rate(&texts, |text| match Timeline::from_yaml(text) {
        Ok(t) => match check_timeline(&t, &ctx) {
            Ok(r) => serde_json::to_string(&r).map_or(0, |json| json.len()),
            Err(e) => e.to_string().len(),
        },
        Err(e) => e.to_string().len(),
    });
    println!("timeline checks/s (parse YAML + check + JSON): {full:.0}");
}
