//! The demo court: 浏阳市人民法院 (湘0181) with staff, litigants and cases at every stage of
//! the lifecycle, dated relative to now so that deadlines are live. Loaded only into an
//! empty database.

use crate::adapters::clock::now;
use crate::adapters::crypto;
use crate::services::fees::CaseOutcome;
use crate::store::{self, Db};
use app::rules::case_number::{CaseNumber, CaseType};
use app::rules::dates::CivilDate;
use app::rules::filing::Cause;
use app::rules::lifecycle::Stage;

pub const DEFAULT_CASES: usize = 20;

/// Every demo staff member's password.
pub const STAFF_PASSWORD: &str = "liuyang-demo-2026";

pub const SIGN_IN_HELP: &str = "\
Demo sign-in (SMS codes appear at http://{addr}/dev/inbox):
  Litigants — sign in at http://{addr}/sign-in with the number, then the code:
    张三 (plaintiff in several cases)   13800000001
    李四 (defendant)                    13800000002
    王五 (plaintiff, has an agent)      13800000003
    赵律师 (agent for 王五)              13800000009
  Staff — http://{addr}/staff/sign-in, password liuyang-demo-2026, then the code:
    立案庭 刘书记员 (clerk)              13900000001
    陈法官 (judge)                      13900000002
    周调解员 (mediator)                 13900000003
    吴调解员 (mediator)                 13900000005
    管理员 (admin)                      13900000004
    天心区法院 黄书记员 (clerk, receiving court for 跨域立案)  13900000011";

struct Person {
    phone: &'static str,
    name: &'static str,
    resident_id: &'static str,
}

const ZHANG: Person = Person { phone: "13800000001", name: "张三", resident_id: "430181196503121017" };
const LI: Person = Person { phone: "13800000002", name: "李四", resident_id: "430181197805212023" };
const WANG: Person = Person { phone: "13800000003", name: "王五", resident_id: "430181198811093037" };
const LAWYER: Person = Person { phone: "13800000009", name: "赵律师", resident_id: "430103199001014048" };

/// One demo case: its cause, procedure, and the stages reached, each `days_ago`.
struct Scenario {
    cause: Cause,
    claim_yuan: i64,
    procedure: &'static str,
    events: &'static [(Stage, i64)],
    cross_region: bool,
    /// How it ended, for a closed case; its fee was paid online (so a refund goes back there).
    outcome: Option<CaseOutcome>,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        cause: Cause::PrivateLending,
        claim_yuan: 50_000,
        procedure: "simplified",
        events: &[(Stage::Submitted, 1)],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::SalesContract,
        claim_yuan: 120_000,
        procedure: "ordinary",
        events: &[(Stage::Submitted, 5), (Stage::UnderReview, 4)],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::PropertyService,
        claim_yuan: 3_600,
        procedure: "small_claims",
        events: &[(Stage::Submitted, 6), (Stage::UnderReview, 6), (Stage::CorrectionRequested, 3)],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::PrivateLending,
        claim_yuan: 8_000,
        procedure: "small_claims",
        events: &[(Stage::Submitted, 12), (Stage::UnderReview, 11), (Stage::NotAccepted, 6)],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::PrivateLending,
        claim_yuan: 80_000,
        procedure: "simplified",
        events: &[(Stage::Submitted, 4), (Stage::UnderReview, 4), (Stage::Docketed, 2)],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::SalesContract,
        claim_yuan: 30_000,
        procedure: "simplified",
        events: &[(Stage::Submitted, 14), (Stage::UnderReview, 13), (Stage::Docketed, 11)],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::TrafficAccident,
        claim_yuan: 150_000,
        procedure: "ordinary",
        events: &[
            (Stage::Submitted, 20),
            (Stage::UnderReview, 20),
            (Stage::Docketed, 18),
            (Stage::FeePrepay, 16),
            (Stage::Assigned, 15),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::LabourDispute,
        claim_yuan: 20_000,
        procedure: "simplified",
        events: &[
            (Stage::Submitted, 25),
            (Stage::UnderReview, 25),
            (Stage::Docketed, 23),
            (Stage::FeePrepay, 22),
            (Stage::Assigned, 21),
            (Stage::Served, 5),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::Divorce,
        claim_yuan: 0,
        procedure: "simplified",
        events: &[
            (Stage::Submitted, 40),
            (Stage::UnderReview, 40),
            (Stage::Docketed, 38),
            (Stage::FeePrepay, 37),
            (Stage::Assigned, 36),
            (Stage::Served, 30),
            (Stage::Mediation, 3),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::PrivateLending,
        claim_yuan: 200_000,
        procedure: "ordinary",
        events: &[
            (Stage::Submitted, 60),
            (Stage::UnderReview, 60),
            (Stage::Docketed, 58),
            (Stage::FeePrepay, 56),
            (Stage::Assigned, 55),
            (Stage::Served, 50),
            (Stage::Hearing, 2),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::SalesContract,
        claim_yuan: 45_000,
        procedure: "simplified",
        events: &[
            (Stage::Submitted, 80),
            (Stage::UnderReview, 80),
            (Stage::Docketed, 78),
            (Stage::FeePrepay, 77),
            (Stage::Assigned, 76),
            (Stage::Served, 70),
            (Stage::Hearing, 40),
            (Stage::Closed, 8),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::UnpaidWages,
        claim_yuan: 12_000,
        procedure: "small_claims",
        events: &[
            (Stage::Submitted, 50),
            (Stage::UnderReview, 50),
            (Stage::Docketed, 48),
            (Stage::Assigned, 47),
            (Stage::Served, 45),
            (Stage::Hearing, 20),
            (Stage::Closed, 10),
            (Stage::JudgmentServed, 6),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::PropertyService,
        claim_yuan: 6_000,
        procedure: "small_claims",
        events: &[
            (Stage::Submitted, 120),
            (Stage::UnderReview, 120),
            (Stage::Docketed, 118),
            (Stage::FeePrepay, 117),
            (Stage::Assigned, 116),
            (Stage::Served, 110),
            (Stage::Hearing, 90),
            (Stage::Closed, 80),
            (Stage::JudgmentServed, 75),
            (Stage::Effective, 59),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::PrivateLending,
        claim_yuan: 100_000,
        procedure: "ordinary",
        events: &[
            (Stage::Submitted, 400),
            (Stage::UnderReview, 400),
            (Stage::Docketed, 398),
            (Stage::FeePrepay, 397),
            (Stage::Assigned, 396),
            (Stage::Served, 390),
            (Stage::Hearing, 300),
            (Stage::Closed, 250),
            (Stage::JudgmentServed, 245),
            (Stage::Effective, 229),
            (Stage::Archived, 200),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::SalesContract,
        claim_yuan: 60_000,
        procedure: "ordinary",
        events: &[
            (Stage::Submitted, 200),
            (Stage::UnderReview, 200),
            (Stage::Docketed, 198),
            (Stage::FeePrepay, 197),
            (Stage::Assigned, 196),
            (Stage::Served, 190),
            (Stage::Hearing, 150),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        // Handed in at another court (跨域立案) and docketed yesterday: the fee is due. A
        // traffic-accident victim may ask to pay later (诉讼费用交纳办法 art. 47).
        cause: Cause::TrafficAccident,
        claim_yuan: 35_000,
        procedure: "simplified",
        events: &[(Stage::Submitted, 4), (Stage::UnderReview, 4), (Stage::Docketed, 1)],
        cross_region: true,
        outcome: None,
    },
    Scenario {
        cause: Cause::PrivateLending,
        claim_yuan: 25_000,
        procedure: "simplified",
        events: &[
            (Stage::Submitted, 15),
            (Stage::UnderReview, 14),
            (Stage::Docketed, 12),
            (Stage::FeePrepay, 10),
            (Stage::Assigned, 9),
        ],
        cross_region: true,
        outcome: None,
    },
    // Paid in full online, then settled by mediation: half the fee goes back (arts. 15, 53).
    Scenario {
        cause: Cause::SalesContract,
        claim_yuan: 80_000,
        procedure: "ordinary",
        events: &[
            (Stage::Submitted, 40),
            (Stage::UnderReview, 40),
            (Stage::Docketed, 38),
            (Stage::FeePrepay, 37),
            (Stage::Assigned, 36),
            (Stage::Served, 34),
            (Stage::Mediation, 10),
        ],
        cross_region: false,
        outcome: Some(CaseOutcome::Mediated),
    },
    Scenario {
        cause: Cause::Divorce,
        claim_yuan: 0,
        procedure: "simplified",
        events: &[
            (Stage::Submitted, 9),
            (Stage::UnderReview, 8),
            (Stage::Docketed, 7),
            (Stage::FeePrepay, 6),
            (Stage::Assigned, 5),
        ],
        cross_region: false,
        outcome: None,
    },
    Scenario {
        cause: Cause::SalesContract,
        claim_yuan: 500_000,
        procedure: "ordinary",
        events: &[(Stage::Submitted, 3), (Stage::UnderReview, 3), (Stage::Docketed, 1)],
        cross_region: false,
        outcome: None,
    },
];

/// Loads the demo court and `cases` cases, unless the database already has cases. Returns
/// how many cases were created.
pub async fn load_if_empty(db: &Db, cases: usize) -> Result<usize, sqlx::Error> {
    if store::cases::count_cases(db).await? > 0 {
        return Ok(0);
    }
    let now = now();
    let liuyang =
        store::people::insert_court(db, "湘0181", "浏阳市人民法院", "Liuyang People's Court").await?;
    let tianxin = store::people::insert_court(
        db,
        "湘0103",
        "长沙市天心区人民法院",
        "Tianxin District People's Court, Changsha",
    )
    .await?;

    let password = STAFF_PASSWORD.to_string();
    let hash = tokio::task::spawn_blocking(move || crypto::hash_password(&password))
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let staff = |phone: &'static str, role: &'static str, name: &'static str, court: i64| {
        let hash = hash.clone();
        async move {
            store::people::insert_user(
                db,
                store::people::NewUser {
                    phone,
                    role,
                    name: Some(name),
                    resident_id: None,
                    court_id: Some(court),
                    password_hash: Some(&hash),
                },
                now,
            )
            .await
        }
    };
    let clerk = staff("13900000001", "clerk", "刘书记员", liuyang).await?;
    let judge = staff("13900000002", "judge", "陈法官", liuyang).await?;
    let zhou = staff("13900000003", "mediator", "周调解员", liuyang).await?;
    let wu = staff("13900000005", "mediator", "吴调解员", liuyang).await?;
    // Their public profiles on the roster (在线调解规则 art. 5).
    for (user_id, background, specialities, dispute_range) in [
        (zhou, "退休法官，从事民事审判28年", "婚姻家庭、邻里纠纷", "婚姻家庭、相邻关系、人身损害赔偿纠纷"),
        (wu, "人民调解员，镇司法所工作15年", "买卖合同、借款、劳务报酬", "合同纠纷、民间借贷、劳务报酬纠纷"),
    ] {
        store::mediation::save_profile(
            db,
            store::mediation::NewProfile {
                user_id,
                background,
                specialities,
                dispute_range,
                fee: "",
                listed: true,
                now,
            },
        )
        .await?;
    }
    staff("13900000004", "admin", "管理员", liuyang).await?;
    staff("13900000011", "clerk", "黄书记员", tianxin).await?;

    let mut people = Vec::new();
    for (p, role) in [(ZHANG, "litigant"), (LI, "litigant"), (WANG, "litigant"), (LAWYER, "agent")] {
        let id = store::people::insert_user(
            db,
            store::people::NewUser {
                phone: p.phone,
                role,
                name: Some(p.name),
                resident_id: Some(p.resident_id),
                court_id: None,
                password_hash: None,
            },
            now,
        )
        .await?;
        people.push((id, p.name));
    }
    let (zhang, li, wang, lawyer) = (people[0], people[1], people[2], people[3]);
    // Consent to electronic service (在线诉讼规则 art. 29): 张三 to the inbox and his phone;
    // 王五 only to a text-message number (so the inbox is not a designated address for him);
    // 李四 has not consented (documents for him go by post or in person).
    for (user, inbox, sms) in [(zhang.0, true, Some(ZHANG.phone)), (wang.0, false, Some(WANG.phone))] {
        store::service::record_consent(
            db,
            store::service::NewConsent {
                user_id: user,
                given: true,
                inbox,
                sms_phone: sms,
                email: None,
                source: "profile",
                now: now - 30 * 86_400,
            },
        )
        .await?;
    }
    let others = ["孙六", "周七", "吴八", "郑九", "冯十", "陈一", "褚二", "卫三"];

    let mut seq_by_type_year = std::collections::HashMap::<(String, i32), u32>::new();
    for i in 0..cases {
        let s = &SCENARIOS[i % SCENARIOS.len()];
        let first = s.events.first().map(|e| e.1).unwrap_or(0);
        let created_at = now - first * 86_400 - (i as i64 % 7) * 3_600;
        let docketed = s.events.iter().find(|e| e.0 == Stage::Docketed).map(|e| now - e.1 * 86_400);
        let (year, seq, number) = match docketed {
            Some(at) => {
                let year = CivilDate::from_unix_shanghai(at).year();
                let seq = seq_by_type_year.entry(("民初".into(), year)).or_insert(0);
                *seq += 1;
                let n = CaseNumber::new(year as u16, "湘0181", CaseType::CivilFirstInstance, *seq)
                    .map_err(|e| sqlx::Error::Protocol(format!("demo case number: {e:?}")))?;
                (Some(i64::from(year)), Some(i64::from(*seq)), Some(n.to_string()))
            }
            None => (None, None, None),
        };
        let stage = s.events.last().map(|e| e.0).unwrap_or(Stage::Submitted);
        let query_code = crypto::query_code();
        let case_id = store::cases::insert_case(
            db,
            store::cases::NewCase {
                court_id: liuyang,
                receiving_court_id: s.cross_region.then_some(tianxin),
                type_code: CaseType::CivilFirstInstance.code(),
                year,
                seq,
                case_number: number.as_deref(),
                cause: Some(s.cause),
                procedure: s.procedure,
                claim_fen: (s.claim_yuan > 0).then_some(s.claim_yuan * 100),
                stage: stage.code(),
                channel: if s.cross_region {
                    "cross_region"
                } else if i % 3 == 0 {
                    "counter"
                } else {
                    "online"
                },
                query_code: &query_code,
                judge_id: docketed.map(|_| judge),
                clerk_id: Some(clerk),
                defendant_abroad: false,
                created_at,
            },
        )
        .await?;
        // The first 20 cases share out the three demo litigants; beyond that (the benchmark's
        // 10,000) the parties have no accounts, so the demo people keep a readable list.
        let (plaintiff, defendant) = match i {
            i if i < 20 && i % 4 == 3 => (wang, li),
            i if i < 20 && i % 4 == 2 => (li, zhang),
            i if i < 20 => (zhang, li),
            _ => ((0, others[i % others.len()]), (0, others[(i + 3) % others.len()])),
        };
        let as_user = |p: (i64, &str)| if p.0 == 0 { None } else { Some(p.0) };
        let pid =
            store::cases::insert_party(db, case_id, "plaintiff", plaintiff.1, as_user(plaintiff)).await?;
        store::cases::insert_party(db, case_id, "defendant", defendant.1, as_user(defendant)).await?;
        if plaintiff.0 == wang.0 {
            store::cases::insert_agent(db, pid, lawyer.0).await?;
        }
        for (stage, days_ago) in s.events {
            let at = now - days_ago * 86_400 - (i as i64 % 7) * 3_600;
            store::cases::insert_event(db, case_id, stage.code(), at).await?;
            // The fee notice comes with docketing: the acceptance fee, charged by the fee
            // engine. Cases past 预交诉讼费 paid it (at the counter, in this demo history).
            let charge = match stage {
                Stage::Docketed | Stage::FeePrepay => {
                    let claim = (s.claim_yuan > 0).then_some(s.claim_yuan * 100);
                    crate::services::fees::charge_for(
                        Some(s.cause),
                        claim,
                        s.procedure,
                        None,
                        &Default::default(),
                    )
                    .ok()
                    .filter(|q| q.prepaid && q.total.as_fen() > 0)
                }
                _ => None,
            };
            match charge {
                Some(q) if *stage == Stage::FeePrepay && s.outcome.is_some() && plaintiff.0 != 0 => {
                    paid_online(db, case_id, plaintiff.0, q.total.as_fen(), at).await?;
                }
                Some(q) => {
                    let (kind, source) = if *stage == Stage::Docketed {
                        ("charge", q.lines.first().map(|l| l.source.as_str()).unwrap_or("诉讼费用交纳办法"))
                    } else {
                        ("payment", "法院窗口交费（演示数据）")
                    };
                    store::fees::insert_entry(db, case_id, kind, q.total.as_fen(), source, at).await?;
                }
                None => {}
            }
        }
        // Closed by the judge 4 days ago, through the same settling as the judge's action.
        if let Some(outcome) = s.outcome {
            let at = now - 4 * 86_400;
            if let Some(case) = store::cases::case_by_id(db, case_id).await? {
                let closing =
                    crate::services::fees::closing_of(db, &case, outcome, &Default::default(), at).await?;
                store::fees::close_case(db, closing).await?;
            }
        } else if s.events.iter().any(|(stage, _)| *stage >= Stage::Closed) {
            store::cases::set_outcome(db, case_id, "judgment").await?;
        }
    }
    // The demo numbered its cases itself: docketing goes on from the last number given.
    store::filings::sync_number_counters(db).await?;
    Ok(cases)
}

/// A fee paid online through the sandbox (demo history): our order and the sandbox's, both
/// paid, and the ledger entry — so a refund can go back the way the money came.
async fn paid_online(db: &Db, case_id: i64, payer: i64, amount_fen: i64, at: i64) -> Result<(), sqlx::Error> {
    let out_trade_no = format!("PC{case_id}DEMO{at}");
    let trade_no = format!("SBXDEMO{case_id}{at}");
    let sandbox = store::fees::SandboxOrderRow {
        trade_no: trade_no.clone(),
        out_trade_no: out_trade_no.clone(),
        amount_fen,
        notify_url: "/api/v1/payments/notify/sandbox".into(),
        return_url: format!("/cases/{case_id}/fees"),
        description: "诉讼费（演示数据）".into(),
        status: "created".into(),
    };
    store::fees::sandbox_create(db, &sandbox, at).await?;
    store::fees::sandbox_finish(db, &trade_no, "paid", at).await?;
    let order = store::fees::NewOrder {
        case_id,
        payer_user_id: payer,
        out_trade_no: &out_trade_no,
        amount_fen,
        provider: "sandbox",
        idempotency_key: &format!("demo-{case_id}-{at}"),
        now: at,
    };
    store::fees::insert_paid_order(db, order, &trade_no).await?;
    Ok(())
}
