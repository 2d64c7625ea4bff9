//! A year at the bureau's real scale for `fazhi demo`: the bureau's own 2025 report counts
//! 34 行政处罚 and more than 2000 投诉举报 (满意度98%以上) in a year, so the demo seeds
//! about 30 more penalty cases and about 2000 complaints over 2026, both squads staffed with
//! certified officers and one 协管员 each.
//!
//! Everything is recorded through the same use cases as real data (`case::create`,
//! `complaint_workflow::to_case`, `case_record::update`, `case::add_event`,
//! `complaint::create` and the closed-loop steps), each step on its own day and hour by a
//! state whose clock is a [`FixedClock`] at that moment, so the rule engine judges the demo
//! as it judges real cases and audit times and due times are realistic. Dates are laid on
//! the live working-day calendar; a refused step makes the demo fail loudly. Steps later
//! than the real "now" are not taken, so the newest complaints and cases are still open.
//! All choices are index-based (no randomness): the same database every time.

use super::auth::{self, CurrentUser, NewUser, Role};
use super::case::{self, NewCase, NewEvent};
use super::complaint::{self, Channel, MediaUpload, NewComplaint};
use super::complaint_workflow::{
    self as wf, CloseInput, DispatchInput, FinalState, Photo, RatingInput, RatingValue,
    SuperviseInput, Tag721, TextInput, ToCaseInput,
};
use super::officer::{self, NewCertificate, NewOfficer};
use super::{AppState, ServiceError, ServiceResult};
use crate::infra::clock::FixedClock;
use crate::repo::{case_repo, open311_key_repo};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fazhi_domain::timeline::{Event, EventType};
use serde_json::{Value, json};
use std::sync::Arc;

/// Complaints seeded over the year (the report: 投诉举报2000余件).
pub const YEAR_COMPLAINTS: usize = 2000;
/// Penalty cases seeded over the year besides the four of `demo::seed` (the report: 34).
pub const YEAR_CASES: usize = 31;

/// The units the year is spread over.
struct Units<'a> {
    squad1: &'a str,
    squad2: &'a str,
    partner: &'a str,
}

fn err(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("demo year: {e}"))
}

fn d(y: i32, m: u32, day: u32) -> ServiceResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| err("bad date"))
}

/// China time (UTC+8) `h:m` on `day`, as UTC.
fn china(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    day.and_hms_opt(h, m, 0).unwrap_or_default().and_utc() - Duration::hours(8)
}

/// The state as it was at `t`.
fn at(state: &AppState, t: DateTime<Utc>) -> AppState {
    AppState {
        clock: Arc::new(FixedClock::at(t)),
        ..state.clone()
    }
}

/// A deterministic spread of `i` into 0..1000 (Knuth's multiplicative hash with a salt).
fn spread(i: usize, salt: u64) -> u64 {
    ((i as u64 + 1).wrapping_mul(2_654_435_761) ^ salt.wrapping_mul(40_503)).wrapping_mul(97) / 7
        % 1000
}

/// Seeds the year; called at the end of `demo::seed`.
pub async fn seed(
    state: &AppState,
    squad1: &str,
    squad2: &str,
    partner: &str,
) -> ServiceResult<()> {
    let units = &Units {
        squad1,
        squad2,
        partner,
    };
    let (squad1_officers, squad2_officers) = seed_officers(state, units).await?;
    let ctx = Ctx::new(state, units).await?;
    seed_year_complaints(state, &ctx).await?;
    seed_year_cases(state, &ctx, &squad1_officers, &squad2_officers).await?;
    Ok(())
}

/// Certified officers for both squads (about nine each with those of `demo::seed`), a
/// 协管员 without a certificate for 七里园中队, and a login for one 七里园 officer.
async fn seed_officers(
    state: &AppState,
    units: &Units<'_>,
) -> ServiceResult<(Vec<String>, Vec<String>)> {
    const SQUAD1: [&str; 7] = ["陈刚", "杨帆", "黄伟", "周静", "吴昊", "徐丽", "马超"];
    const SQUAD2: [&str; 7] = ["刘洋", "朱军", "胡蓉", "郭鹏", "何敏", "高翔", "罗婷"];
    let mut out = (Vec::new(), Vec::new());
    for (squad_no, (names, unit)) in [(SQUAD1, units.squad1), (SQUAD2, units.squad2)]
        .into_iter()
        .enumerate()
    {
        for (i, name) in names.iter().enumerate() {
            let o = officer::create(
                state,
                None,
                NewOfficer {
                    name: (*name).into(),
                    org_unit_id: unit.into(),
                    employment: "staff".into(),
                },
            )
            .await?;
            officer::add_certificate(
                state,
                None,
                &o.id,
                NewCertificate {
                    cert_no: format!("豫4113{:04}", 101 + squad_no * 100 + i),
                    issuer: "河南省人民政府".into(),
                    scope: "城市管理综合行政执法".into(),
                    valid_from: d(2024, 3, 1)?,
                    valid_until: d(2028, 2, 29)?,
                },
            )
            .await?;
            if squad_no == 0 {
                out.0.push(o.id);
            } else {
                out.1.push(o.id);
            }
        }
    }
    officer::create(
        state,
        None,
        NewOfficer {
            name: "吴协管".into(),
            org_unit_id: units.squad2.into(),
            employment: "auxiliary".into(),
        },
    )
    .await?;
    auth::create_user(
        state,
        None,
        NewUser {
            username: "liu.yang".into(),
            password: super::demo::DEMO_PASSWORD.into(),
            display_name: "刘洋".into(),
            role: Role::Officer,
            org_unit_id: units.squad2.into(),
            officer_id: out.1.first().cloned(),
        },
    )
    .await?;
    Ok(out)
}

/// Who acts, the Open311 key, the verification photos and the real "now".
struct Ctx {
    dispatcher: CurrentUser,
    leader: CurrentUser,
    legal: CurrentUser,
    squad1_officer: CurrentUser,
    squad2_officer: CurrentUser,
    partner_user: CurrentUser,
    squad1: String,
    squad2: String,
    partner: String,
    open311_key: Option<String>,
    before: Vec<u8>,
    after: Vec<u8>,
    now: DateTime<Utc>,
}

impl Ctx {
    async fn new(state: &AppState, units: &Units<'_>) -> ServiceResult<Self> {
        let mut conn = state.db.pool.acquire().await?;
        let open311_key = open311_key_repo::oldest_id(&mut conn).await?;
        drop(conn);
        Ok(Self {
            dispatcher: auth::as_user(state, "zhihui").await?,
            leader: auth::as_user(state, "juzhang").await?,
            legal: auth::as_user(state, "fazhi").await?,
            squad1_officer: auth::as_user(state, "wang.qiang").await?,
            squad2_officer: auth::as_user(state, "liu.yang").await?,
            partner_user: auth::as_user(state, "zhuangjian").await?,
            squad1: units.squad1.into(),
            squad2: units.squad2.into(),
            partner: units.partner.into(),
            open311_key,
            before: png([150, 110, 70])?,
            after: png([90, 150, 90])?,
            now: state.clock.now(),
        })
    }

    fn photos(&self) -> Vec<Photo> {
        vec![
            Photo {
                kind: "before",
                upload: MediaUpload {
                    file_name: "处置前.png".into(),
                    content_type: "image/png".into(),
                    bytes: self.before.clone(),
                },
            },
            Photo {
                kind: "after",
                upload: MediaUpload {
                    file_name: "处置后.png".into(),
                    content_type: "image/png".into(),
                    bytes: self.after.clone(),
                },
            },
        ]
    }

    fn officer_of(&self, unit: &str) -> &CurrentUser {
        if unit == self.partner {
            &self.partner_user
        } else if unit == self.squad2 {
            &self.squad2_officer
        } else {
            &self.squad1_officer
        }
    }
}

/// A small real picture (uploads are decoded, `service::upload`).
fn png(shade: [u8; 3]) -> ServiceResult<Vec<u8>> {
    let img = image::RgbImage::from_pixel(64, 48, image::Rgb(shade));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map(|()| out)
        .map_err(err)
}

// ---- places and words ---------------------------------------------------------------------

/// Places in 卧龙区 (approximate WGS-84 coordinates) and the squad whose area they are in.
const PLACES: &[(&str, f64, f64, u8)] = &[
    ("卧龙路与工业路交叉口", 32.9987, 112.5283, 1),
    ("人民路中段公交站", 32.9968, 112.5352, 1),
    ("卧龙岗文化园南门", 32.9921, 112.5098, 1),
    ("武侯路与车站路交叉口", 32.9903, 112.5226, 1),
    ("新华路中段", 32.9956, 112.5321, 1),
    ("七一路与中州路交叉口", 32.9989, 112.5410, 1),
    ("卧龙区政府西侧", 32.9862, 112.5204, 1),
    ("光武路北段", 32.9831, 112.5257, 1),
    ("七里园乡政府东侧", 32.9712, 112.5018, 2),
    ("仲景路与滨河路交叉口", 32.9795, 112.5395, 2),
    ("独山大道中段", 33.0124, 112.5521, 2),
    ("车站路与建设路交叉口", 32.9886, 112.5162, 2),
    ("卧龙路西段农贸市场", 32.9944, 112.4987, 2),
    ("梅溪路南段", 32.9810, 112.5311, 2),
    ("两相路与范蠡路交叉口", 33.0042, 112.5175, 2),
    ("南阳火车站广场东侧", 32.9871, 112.5122, 2),
];

const SURNAMES: &[&str] = &[
    "刘", "张", "李", "王", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
];

/// Complaint categories by weight (out of 20) with the words of their descriptions.
const CATEGORY_SLOTS: &[&str] = &[
    "zhan_dao_jing_ying",
    "zao_sheng_rao_min",
    "zhan_dao_jing_ying",
    "luan_dui_luan_fang",
    "la_ji_man_yi",
    "zhan_dao_jing_ying",
    "wei_gui_guang_gao",
    "zao_sheng_rao_min",
    "lu_tian_shao_kao",
    "zhan_dao_jing_ying",
    "la_ji_man_yi",
    "hui_lv_zhong_cai",
    "wei_gui_guang_gao",
    "zhan_dao_jing_ying",
    "zha_tu_pao_sa",
    "zao_sheng_rao_min",
    "si_da_luan_jian",
    "luan_dui_luan_fang",
    "jing_gai_que_shi",
    "qi_ta",
];

fn problem(code: &str, k: usize) -> &'static str {
    let pick = |xs: &'static [&'static str]| xs[k % xs.len()];
    match code {
        "zhan_dao_jing_ying" => pick(&[
            "有流动摊贩占用人行道卖水果，行人只能走机动车道",
            "几家店铺把桌椅摆到店外人行道上经营",
            "早点摊占道经营，油烟和垃圾都留在路边",
            "夜市摊位越摆越多，把盲道全占了",
        ]),
        "zao_sheng_rao_min" => pick(&[
            "晚上九点半以后还在跳广场舞，音响声音很大",
            "商铺门口的促销喇叭从早到晚循环播放",
            "工地夜间还在施工，噪声很大影响休息",
            "烧烤店营业到凌晨，食客喧哗扰民",
        ]),
        "lu_tian_shao_kao" => pick(&[
            "路边有人露天烧烤，烟雾很大",
            "烧烤摊把炉子摆在人行道上，油烟直冲居民楼",
        ]),
        "luan_dui_luan_fang" => pick(&[
            "路边堆放了大量建筑材料，占了半条人行道",
            "有人在小区门口堆放旧家具和杂物",
            "废品收购点把废品堆到了马路边",
        ]),
        "la_ji_man_yi" => pick(&[
            "垃圾桶已经满了，垃圾散落一地没人清理",
            "垃圾中转点周边垃圾满溢，气味很大",
        ]),
        "hui_lv_zhong_cai" => pick(&[
            "有人把绿化带的草坪铲了种菜",
            "居民在公共绿地里开荒种菜，还搭了架子",
        ]),
        "wei_gui_guang_gao" => pick(&[
            "电线杆和墙面上贴满了小广告",
            "有商户在路边私自挂了大幅横幅",
            "新装的户外招牌很大，看着不牢固",
        ]),
        "zha_tu_pao_sa" => pick(&[
            "渣土车夜间经过时沿路抛洒，路面全是泥土",
            "工地出口的车辆没有冲洗，带泥上路",
        ]),
        "si_da_luan_jian" => pick(&[
            "有住户在楼顶加盖彩钢房，正在施工",
            "临街商户在门前私自搭建了雨棚和隔间",
        ]),
        "jing_gai_que_shi" => pick(&[
            "一个井盖缺失，已有群众放了树枝提醒",
            "井盖破损下陷，车辆经过很危险",
        ]),
        _ => pick(&["路灯不亮已经好几天了", "公共座椅损坏，希望尽快修复"]),
    }
}

fn when(k: usize) -> &'static str {
    [
        "每天傍晚",
        "最近一周",
        "今天上午",
        "每天早上",
        "周末",
        "最近几天晚上",
    ][k % 6]
}

/// Answers to the category's required questions (and some optional ones).
fn answers(code: &str, k: usize) -> std::collections::BTreeMap<String, Vec<String>> {
    let one = |q: &str, v: &str| (q.to_string(), vec![v.to_string()]);
    let list: Vec<(String, Vec<String>)> = match code {
        "zhan_dao_jing_ying" => vec![
            one(
                "stall_kind",
                ["mobile", "shopfront", "night_market", "mobile"][k % 4],
            ),
            one("recurrence", ["daily_period", "once", "all_day"][k % 3]),
        ],
        "zao_sheng_rao_min" => vec![
            one(
                "noise_source",
                ["square_dance", "loudspeaker", "construction", "catering"][k % 4],
            ),
            one("time_of_day", ["night", "day"][k % 2]),
        ],
        "luan_dui_luan_fang" => vec![one("material", ["building", "household", "other"][k % 3])],
        "wei_gui_guang_gao" => vec![one("ad_kind", ["sticker", "banner", "signboard"][k % 3])],
        "si_da_luan_jian" => vec![
            one("building_kind", ["rooftop", "street"][k % 2]),
            one("in_progress", ["ongoing", "finished"][k % 2]),
        ],
        "jing_gai_que_shi" => vec![
            one("warning_set", ["yes", "no"][k % 2]),
            one("cover_owner", "unknown"),
        ],
        _ => Vec::new(),
    };
    list.into_iter().collect()
}

fn reply_text(code: &str, k: usize) -> &'static str {
    match code {
        "zhan_dao_jing_ying" | "lu_tian_shao_kao" => [
            "已到现场劝离占道摊贩，并引导其到便民市场规范经营。",
            "已责令店外经营商户将桌椅收回店内，并纳入日常巡查。",
        ][k % 2],
        "zao_sheng_rao_min" => "已到现场劝导，责令降低音量并约定晚九点前结束。",
        "luan_dui_luan_fang" | "la_ji_man_yi" => "已通知责任单位清理完毕，现场恢复整洁。",
        "hui_lv_zhong_cai" => "已劝导当事人清除菜苗，绿地已交园林部门补植。",
        "wei_gui_guang_gao" => "已清除违规张贴的小广告和横幅，并告知商户依法申请设置。",
        "zha_tu_pao_sa" => "已联系运输企业清扫路面，并责令车辆密闭运输。",
        "si_da_luan_jian" => "已到现场责令停止搭建，当事人已自行拆除。",
        "jing_gai_que_shi" => "已设置警示并通知产权单位更换井盖，现已恢复。",
        _ => "已转相关养护单位处理，现已修复。",
    }
}

// ---- complaints ---------------------------------------------------------------------------

/// About [`YEAR_COMPLAINTS`] complaints from 2026-01-01 to 2026-12-02, each taken through the
/// closed loop as far as its times allow by "now".
async fn seed_year_complaints(state: &AppState, ctx: &Ctx) -> ServiceResult<()> {
    let first = d(2026, 1, 1)?;
    let days = (d(2026, 12, 2)? - first).num_days() as usize;
    for i in 0..YEAR_COMPLAINTS {
        let day = first + Duration::days((i * (days + 1) / YEAR_COMPLAINTS) as i64);
        let created = china(day, 7 + (i as u32 * 7) % 15, (i as u32 * 13) % 60);
        if created > ctx.now {
            break;
        }
        seed_one_complaint(state, ctx, i, created).await?;
    }
    Ok(())
}

async fn seed_one_complaint(
    state: &AppState,
    ctx: &Ctx,
    i: usize,
    created: DateTime<Utc>,
) -> ServiceResult<()> {
    let code = CATEGORY_SLOTS[(i * 7 + i / 20) % CATEGORY_SLOTS.len()];
    let place_no = (i * 5 + i / 16) % PLACES.len();
    let (place, lat, lon, squad) = PLACES[place_no];
    let jitter = (spread(i, 9) as f64 - 500.0) / 250_000.0;
    let channel = match spread(i, 4) {
        0..=499 => Channel::Phone,
        500..=799 => Channel::Portal,
        _ => Channel::Open311,
    };
    let key_id = match channel {
        Channel::Open311 => ctx.open311_key.clone(),
        Channel::Phone | Channel::Portal => None,
    };
    let channel = if key_id.is_none() && channel == Channel::Open311 {
        Channel::Portal
    } else {
        channel
    };
    let named = channel == Channel::Phone || code == "si_da_luan_jian" || i.is_multiple_of(3);
    let input = NewComplaint {
        service_code: code.into(),
        description: Some(format!(
            "{}{}，{}。",
            place,
            when(i / 3),
            problem(code, i / 7)
        )),
        lat: Some(format!("{:.5}", lat + jitter)),
        long: Some(format!("{:.5}", lon - jitter)),
        address_string: Some(format!("南阳市卧龙区{place}")),
        first_name: named.then(|| ["先生", "女士"][i % 2].to_string()),
        last_name: named.then(|| SURNAMES[i % SURNAMES.len()].to_string()),
        phone: named.then(|| format!("139{:08}", 37_000_000 + i * 7919 % 1_000_000)),
        attributes: answers(code, i),
        ..Default::default()
    };
    let actor = super::audit::Actor(match &key_id {
        Some(id) => format!("open311:{id}"),
        None => "system".into(),
    });
    let made = complaint::create(
        &at(state, created),
        channel,
        key_id.as_deref(),
        &actor,
        input,
    )
    .await?;
    let id = made.service_request_id;
    let due = made
        .expected_at
        .unwrap_or(created + Duration::days(3))
        .max(created + Duration::hours(1));

    // A few are plainly not ours: closed from 受理 and passed on.
    let mut t = created + Duration::minutes(10 + (i % 20) as i64);
    if spread(i, 1) < 12 {
        if t > ctx.now {
            return Ok(());
        }
        let v = wf::close(
            &at(state, t),
            &ctx.dispatcher,
            &id,
            CloseInput {
                expected_version: 1,
                final_state: FinalState::NotOurResponsibility,
                tag_721: None,
                reason: Some("经核实属供电设施维护问题，不属于城市管理部门职责".into()),
                routed_to: Some("国网南阳供电公司卧龙区供电中心".into()),
                duplicate_of: None,
            },
        )
        .await?;
        t += Duration::days(1);
        if t <= ctx.now {
            wf::follow_up(
                &at(state, t),
                &ctx.dispatcher,
                &id,
                text(v.version, "电话回访，已告知群众转办去向"),
            )
            .await?;
        }
        return Ok(());
    }

    let unit = if code == "jing_gai_que_shi" {
        ctx.partner.as_str()
    } else if squad == 1 {
        ctx.squad1.as_str()
    } else {
        ctx.squad2.as_str()
    };
    if t > ctx.now {
        return Ok(());
    }
    let mut v = wf::dispatch(
        &at(state, t),
        &ctx.dispatcher,
        &id,
        DispatchInput {
            expected_version: 1,
            org_unit_id: unit.into(),
            reason: None,
        },
    )
    .await?
    .version;

    // 督办 of a few that need pressing.
    let pressed = spread(i, 2) < 8;
    if pressed {
        t += Duration::minutes(20);
        if t > ctx.now {
            return Ok(());
        }
        v = wf::supervise(
            &at(state, t),
            &ctx.dispatcher,
            &id,
            SuperviseInput {
                expected_version: v,
                level: 1,
                reason: "群众反映强烈，请加快办理并按时答复".into(),
            },
        )
        .await?
        .version;
    }

    // The answer: within the due time, a few late.
    let late = spread(i, 3) < 15;
    let span = (due - created).num_minutes().max(30);
    let reply_at = if late {
        due + Duration::hours(3)
    } else {
        created + Duration::minutes(span * (35 + (spread(i, 5) % 50) as i64) / 100)
    }
    .max(t + Duration::minutes(5));
    if reply_at > ctx.now {
        return Ok(());
    }
    let handler = ctx.officer_of(unit);
    v = wf::reply(
        &at(state, reply_at),
        handler,
        &id,
        text(v, reply_text(code, i)),
    )
    .await?
    .version;

    // 核查 on site with photos, then 办结 as resolved.
    let checked = reply_at + Duration::minutes(40);
    if checked > ctx.now {
        return Ok(());
    }
    let checker = if unit == ctx.partner {
        &ctx.dispatcher
    } else {
        handler
    };
    v = wf::verify(
        &at(state, checked),
        checker,
        &id,
        v,
        "现场核查，问题已处置",
        ctx.photos(),
    )
    .await?
    .version;
    let closed = checked + Duration::minutes(30);
    if closed > ctx.now {
        return Ok(());
    }
    let tag = match spread(i, 6) {
        0..=699 => Tag721::Service,
        700..=899 => Tag721::Management,
        _ => Tag721::Enforcement,
    };
    v = wf::close(
        &at(state, closed),
        &ctx.dispatcher,
        &id,
        CloseInput {
            expected_version: v,
            final_state: FinalState::Resolved,
            tag_721: Some(tag),
            reason: None,
            routed_to: None,
            duplicate_of: None,
        },
    )
    .await?
    .version;

    // 回访 the next day, and the citizen's rating (≈98% satisfied).
    let called = closed + Duration::days(1);
    if called > ctx.now {
        return Ok(());
    }
    v = wf::follow_up(
        &at(state, called),
        &ctx.dispatcher,
        &id,
        text(v, "电话回访，群众确认问题已解决"),
    )
    .await?
    .version;
    let r = spread(i, 7);
    if r >= 920 {
        return Ok(()); // declined to rate
    }
    let level = match r {
        0..=884 => "满意",
        885..=904 => "基本满意",
        _ => "不满意",
    };
    wf::rate(
        &at(state, called + Duration::minutes(3)),
        &ctx.dispatcher,
        &id,
        RatingInput {
            expected_version: Some(v),
            rating: RatingValue::Level(level.into()),
            comment: (level == "不满意").then(|| "处理太慢，问题反复出现".into()),
        },
    )
    .await?;
    Ok(())
}

fn text(v: i64, t: &str) -> TextInput {
    TextInput {
        expected_version: v,
        text: t.to_string(),
    }
}

// ---- penalty cases ------------------------------------------------------------------------

/// How far a demo case has gone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Course {
    /// Notice, decision, service, payment, close.
    Closed,
    /// As `Closed`, the party first stating and defending itself.
    Defended,
    /// A fine in hearing scope: the hearing right waived in writing, legal review and
    /// collective deliberation before the decision.
    HearingWaived,
    /// 重大执法决定: legal review and collective deliberation.
    Major,
    /// 不予处罚 (first minor violation corrected at once), closed.
    NoPenalty,
    /// Decided and served, the fine not yet due.
    AwaitingPayment,
    /// Notified, the statement period running or just over.
    Notified,
    /// Registered and investigating.
    Investigating,
}

/// A violation and its party kind, a fine inside the tier, and how it happened.
struct Offence {
    code: &'static str,
    organisation: bool,
    fine: i64,
    act: &'static str,
    tier: &'static str,
}

fn offence(course: Course, i: usize) -> Offence {
    let o = |code, organisation, fine, act, tier| Offence {
        code,
        organisation,
        fine,
        act,
        tier,
    };
    match course {
        Course::HearingWaived => [
            o(
                "si_da_luan_jian",
                false,
                8000,
                "在道路旁擅自搭建砖混结构房屋约20平方米",
                "heavier",
            ),
            o(
                "shi_gong_zao_sheng",
                true,
                50000,
                "在夜间22时后未经批准进行产生环境噪声污染的建筑施工作业",
                "ordinary",
            ),
            o(
                "zhan_dao_jing_ying",
                false,
                5000,
                "一年内因占道经营被处罚后再次在学校周边占道经营",
                "heavier",
            ),
        ][i % 3]
            .clone_static(),
        Course::Major => [
            o(
                "zha_tu_che_pao_sa",
                true,
                40000,
                "运输渣土的车辆未采取密闭措施沿途抛洒，污染路面约300米",
                "heavier",
            ),
            o(
                "can_yin_you_yan",
                true,
                30000,
                "餐饮服务项目未安装油烟净化设施，油烟直排影响周边居民",
                "ordinary",
            ),
        ][i % 2]
            .clone_static(),
        Course::NoPenalty => o(
            "zhan_dao_jing_ying",
            false,
            0,
            "在人行道上摆摊经营，经指出后当即撤除",
            "no_penalty",
        ),
        _ => [
            o(
                "zhan_dao_jing_ying",
                false,
                500,
                "占用人行道摆设摊位经营，面积约4平方米",
                "ordinary",
            ),
            o(
                "luan_dui_luan_fang",
                false,
                300,
                "在街道两侧堆放建筑材料，经责令后方才清理",
                "ordinary",
            ),
            o(
                "zhan_dao_jing_ying",
                true,
                3000,
                "超出门窗店外经营，占用人行道约12平方米",
                "ordinary",
            ),
            o(
                "zhan_lv_hui_lv",
                false,
                800,
                "擅自铲除公共绿地草坪种植蔬菜约15平方米",
                "ordinary",
            ),
            o(
                "si_da_luan_jian",
                true,
                6000,
                "在临街商铺门前擅自搭建彩钢棚约18平方米",
                "ordinary",
            ),
            o(
                "lu_tian_shao_kao",
                false,
                1000,
                "在城市人口集中区域的人行道上露天烧烤",
                "lighter",
            ),
            o(
                "zha_tu_che_pao_sa",
                true,
                12000,
                "运输渣土的车辆未密闭，沿途抛洒污染路面约80米",
                "ordinary",
            ),
            o(
                "zao_sheng_rao_min",
                false,
                500,
                "在居民区使用高音喇叭招揽生意，经劝阻不改",
                "ordinary",
            ),
            o(
                "wei_gui_hu_wai_guang_gao",
                true,
                300,
                "未经批准在建筑物外墙设置大型户外广告牌",
                "ordinary",
            ),
            o(
                "fen_shao_la_ji",
                false,
                800,
                "在居民区内露天焚烧生活垃圾",
                "lighter",
            ),
            o(
                "can_yin_you_yan",
                true,
                8000,
                "油烟净化设施未正常使用，油烟超标排放",
                "lighter",
            ),
            o(
                "shi_gong_zao_sheng",
                true,
                20000,
                "未经批准夜间进行建筑施工作业",
                "lighter",
            ),
        ][i % 12]
            .clone_static(),
    }
}

impl Offence {
    fn clone_static(&self) -> Offence {
        Offence {
            code: self.code,
            organisation: self.organisation,
            fine: self.fine,
            act: self.act,
            tier: self.tier,
        }
    }
}

/// The `i`-th case's course and act date: spread from 2026-01-05, the last ones still open.
fn plan(i: usize) -> ServiceResult<(Course, NaiveDate)> {
    let course = match i {
        27 => Course::AwaitingPayment,
        28 => Course::Notified,
        29 | 30 => Course::Investigating,
        6 | 19 => Course::Major,
        3 | 12 | 23 => Course::HearingWaived,
        9 => Course::NoPenalty,
        _ if i % 3 == 1 => Course::Defended,
        _ => Course::Closed,
    };
    let act = match i {
        27 => d(2026, 11, 9)?,
        28 => d(2026, 11, 19)?,
        29 => d(2026, 11, 25)?,
        30 => d(2026, 11, 30)?,
        _ => d(2026, 1, 5)? + Duration::days(i as i64 * 11),
    };
    Ok((course, act))
}

/// A valid 18-digit 居民身份证号码 (GB 11643 check character).
fn resident_id(i: usize) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let body = format!(
        "411303{}{:02}{:02}{:03}",
        1965 + i % 35,
        1 + i % 12,
        1 + (i * 7) % 28,
        100 + i * 37 % 900
    );
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize] as char)
}

/// A valid 统一社会信用代码 (GB 32100 check character).
fn credit_code(i: usize) -> String {
    const SET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let mut body = String::from("91411303MA");
    for k in 0..7 {
        body.push(SET[(i * 7 + k * 11 + 3) % SET.len()] as char);
    }
    let sum: usize = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| SET.iter().position(|c| *c == b).unwrap_or(0) * w)
        .sum();
    format!("{body}{}", SET[(31 - sum % 31) % 31] as char)
}

fn party_name(i: usize, organisation: bool) -> String {
    if organisation {
        let trade = [
            "餐饮管理",
            "建筑工程",
            "商贸",
            "物流运输",
            "装饰工程",
            "文化传媒",
        ];
        let name = [
            "鑫源", "宏达", "卧龙", "汉韵", "宛城", "锦程", "诸葛", "仲景",
        ];
        format!(
            "南阳市{}{}有限公司",
            name[i % name.len()],
            trade[(i / 2) % trade.len()]
        )
    } else {
        format!(
            "{}某{}",
            SURNAMES[(i * 3) % SURNAMES.len()],
            ["", "某"][i % 2]
        )
    }
}

/// Seeds [`YEAR_CASES`] penalty cases; about half come from complaints
/// (`complaint_workflow::to_case`).
async fn seed_year_cases(
    state: &AppState,
    ctx: &Ctx,
    squad1_officers: &[String],
    squad2_officers: &[String],
) -> ServiceResult<()> {
    let calendar = state.calendar().await?;
    let wd = |day: NaiveDate, n: u32| calendar.add_working_days(day, n).map_err(err);
    let on_or_after = |day: NaiveDate| calendar.next_working_day_on_or_after(day).map_err(err);
    for i in 0..YEAR_CASES {
        let (course, act) = plan(i)?;
        let off = offence(course, i);
        let second_squad = i % 2 == 1;
        let (unit, pool) = if second_squad {
            (ctx.squad2.as_str(), squad2_officers)
        } else {
            (ctx.squad1.as_str(), squad1_officers)
        };
        let a = &pool[i % pool.len()];
        let b = &pool[(i + 3) % pool.len()];
        let officers = json!([a, b]);
        let name = party_name(i, off.organisation);
        let (place, lat, lon, _) = PLACES[(i * 3 + usize::from(second_squad)) % PLACES.len()];
        let from_complaint = i.is_multiple_of(2) && course != Course::Major;

        // The calendar of the case.
        let register = on_or_after(act + Duration::days(1))?;
        let evidence = if i.is_multiple_of(2) {
            register
        } else {
            wd(register, 1)?
        };
        let notice = wd(evidence, 3 + (i % 4) as u32)?;
        let decision = wd(notice, 6)?;
        let service = wd(decision, 1)?;
        let payment = service + Duration::days(3 + (i % 9) as i64);
        let close = wd(payment, 1)?;
        let rights: Vec<&str> = if matches!(course, Course::HearingWaived) {
            vec!["statement", "defence", "hearing"]
        } else {
            vec!["statement", "defence"]
        };
        let mut events: Vec<Value> = vec![
            json!({"on": register, "type": "register", "officers": officers}),
            json!({"on": evidence, "type": "evidence", "officers": officers}),
        ];
        if course == Course::NoPenalty {
            let decided = wd(evidence, 4)?;
            events.push(json!({"on": decided, "type": "decision", "officers": officers, "outcome": "no_penalty"}));
            events.push(json!({"on": wd(decided, 1)?, "type": "service", "method": "direct"}));
            events.push(json!({"on": wd(decided, 2)?, "type": "close", "reason": "no_penalty"}));
        } else if course != Course::Investigating {
            events.push(
                json!({"on": notice, "type": "advance_notice", "officers": officers,
                "proposed": {"fine": off.fine}, "rights": rights}),
            );
            if course == Course::Defended {
                events.push(json!({"on": wd(notice, 2)?, "type": "defence"}));
            }
            if course == Course::HearingWaived || course == Course::Major {
                if course == Course::HearingWaived {
                    events.push(json!({"on": wd(notice, 2)?, "type": "hearing_waiver"}));
                }
                events
                    .push(json!({"on": wd(notice, 3)?, "type": "legal_review", "result": "pass"}));
                events.push(json!({"on": wd(notice, 4)?, "type": "deliberation"}));
            }
            if course != Course::Notified {
                events.push(
                    json!({"on": decision, "type": "decision", "officers": officers,
                    "outcome": "penalty", "penalty": {"fine": off.fine}}),
                );
                events.push(json!({"on": service, "type": "service", "method": "direct"}));
                if course != Course::AwaitingPayment {
                    events.push(json!({"on": payment, "type": "payment", "amount": off.fine, "method": "bank"}));
                    events.push(json!({"on": close, "type": "close"}));
                }
            }
        }

        // The case is opened on the day of registration, from a complaint or directly.
        let party =
            json!({"kind": if off.organisation {"organisation"} else {"individual"}, "name": name});
        let opened_at = china(register, 9, 30);
        if opened_at > ctx.now {
            continue;
        }
        let (case_id, mut version) = if from_complaint {
            open_from_complaint(state, ctx, i, unit, &off, place, (lat, lon), act, &party).await?
        } else {
            let created = case::create(
                &at(state, opened_at),
                &ctx.leader,
                NewCase {
                    org_unit_id: unit.into(),
                    party: serde_json::from_value(party.clone()).map_err(err)?,
                    procedure: serde_json::from_value(json!("ordinary")).map_err(err)?,
                    act_date: act,
                    violation: Some(off.code.into()),
                    serious_harm: false,
                    major: course == Course::Major,
                    party_address: None,
                },
            )
            .await?;
            (created.case_row.id, created.case_row.version)
        };
        let record = case_record(
            i,
            course,
            &off,
            &name,
            place,
            (lat, lon),
            act,
            evidence,
            from_complaint,
        );
        let record: super::case_record::CaseRecord = serde_json::from_value(record).map_err(err)?;
        super::case_record::update(
            &at(state, opened_at + Duration::minutes(20)),
            &ctx.leader,
            &case_id,
            super::case_record::RecordUpdate {
                expected_version: version,
                record,
            },
        )
        .await?;
        // The record update is one more version of the case.
        version += 1;
        for e in events {
            let event: Event = serde_json::from_value(e).map_err(err)?;
            let moment = china(event.on, 10, 0);
            if moment > ctx.now {
                break;
            }
            let who = if event.event_type() == EventType::LegalReview {
                &ctx.legal
            } else {
                &ctx.leader
            };
            version = case::add_event(
                &at(state, moment),
                who,
                &case_id,
                NewEvent {
                    expected_version: version,
                    late_reason: None,
                    event,
                },
            )
            .await?
            .case_row
            .version;
        }
    }
    Ok(())
}

/// A complaint about the offence, dispatched to the squad and turned into the case's lead;
/// the complaint is then answered, checked and closed as 执法. Returns (case id, version).
#[expect(clippy::too_many_arguments, reason = "one call site, all plain values")]
async fn open_from_complaint(
    state: &AppState,
    ctx: &Ctx,
    i: usize,
    unit: &str,
    off: &Offence,
    place: &str,
    (lat, lon): (f64, f64),
    act: NaiveDate,
    party: &Value,
) -> ServiceResult<(String, i64)> {
    let service_code = match off.code {
        "zhan_dao_jing_ying" | "luan_dui_luan_fang" | "zao_sheng_rao_min" | "lu_tian_shao_kao"
        | "si_da_luan_jian" => off.code,
        "zhan_lv_hui_lv" => "hui_lv_zhong_cai",
        "zha_tu_che_pao_sa" => "zha_tu_pao_sa",
        "wei_gui_hu_wai_guang_gao" => "wei_gui_guang_gao",
        "shi_gong_zao_sheng" | "can_yin_you_yan" => "zao_sheng_rao_min",
        _ => "qi_ta",
    };
    let filed = china(act, 19, 20);
    let made = complaint::create(
        &at(state, filed),
        Channel::Phone,
        None,
        &super::audit::Actor("system".into()),
        NewComplaint {
            service_code: service_code.into(),
            description: Some(format!("{place}有人{}，希望尽快查处。", off.act)),
            lat: Some(format!("{lat:.4}")),
            long: Some(format!("{lon:.4}")),
            address_string: Some(format!("南阳市卧龙区{place}")),
            first_name: Some("女士".into()),
            last_name: Some(SURNAMES[(i + 5) % SURNAMES.len()].into()),
            phone: Some(format!("1370377{:04}", 1000 + i * 37)),
            attributes: answers(service_code, i),
            ..Default::default()
        },
    )
    .await?;
    let id = made.service_request_id;
    let next_day = on_next_morning(act);
    let v = wf::dispatch(
        &at(state, filed + Duration::minutes(15)),
        &ctx.dispatcher,
        &id,
        DispatchInput {
            expected_version: 1,
            org_unit_id: unit.into(),
            reason: None,
        },
    )
    .await?
    .version;
    let view = wf::to_case(
        &at(state, next_day),
        &ctx.leader,
        &id,
        ToCaseInput {
            expected_version: v,
            party: serde_json::from_value(party.clone()).map_err(err)?,
            procedure: serde_json::from_value(json!("ordinary")).map_err(err)?,
            act_date: act,
            violation: Some(off.code.into()),
            serious_harm: false,
            major: false,
        },
    )
    .await?;
    let case_id = view
        .cases
        .first()
        .map(|c| c.case_id.clone())
        .ok_or_else(|| err("to_case linked no case"))?;
    let reply_at = next_day + Duration::hours(2);
    let v = wf::reply(
        &at(state, reply_at),
        ctx.officer_of(unit),
        &id,
        text(
            view.version,
            "经现场核实，已依法立案查处，当事人已停止违法行为。",
        ),
    )
    .await?
    .version;
    let v = wf::verify(
        &at(state, reply_at + Duration::hours(1)),
        ctx.officer_of(unit),
        &id,
        v,
        "现场核查，违法行为已停止",
        ctx.photos(),
    )
    .await?
    .version;
    wf::close(
        &at(state, reply_at + Duration::hours(2)),
        &ctx.dispatcher,
        &id,
        CloseInput {
            expected_version: v,
            final_state: FinalState::Resolved,
            tag_721: Some(Tag721::Enforcement),
            reason: None,
            routed_to: None,
            duplicate_of: None,
        },
    )
    .await?;
    let mut conn = state.db.pool.acquire().await?;
    let version = case_repo::get(&mut conn, &case_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo case {case_id} just created is missing"))?
        .version;
    Ok((case_id, version))
}

/// 09:00 China time on the day after `day`.
fn on_next_morning(day: NaiveDate) -> DateTime<Utc> {
    china(day + Duration::days(1), 9, 0)
}

/// The case record: identity, source, place, facts, evidence list and discretion reason.
#[expect(clippy::too_many_arguments, reason = "one call site, all plain values")]
fn case_record(
    i: usize,
    course: Course,
    off: &Offence,
    name: &str,
    place: &str,
    (lat, lon): (f64, f64),
    act: NaiveDate,
    evidence_day: NaiveDate,
    from_complaint: bool,
) -> Value {
    let party = if off.organisation {
        json!({"kind": "organisation", "credit_code": credit_code(i),
               "legal_representative": format!("{}某某", SURNAMES[(i + 2) % SURNAMES.len()]),
               "address": format!("南阳市卧龙区{}{}号", PLACES[(i + 4) % PLACES.len()].0, 10 + i * 3)})
    } else {
        json!({"kind": "individual", "id_type": "resident_id_card", "id_no": resident_id(i),
               "address": format!("南阳市卧龙区{}附近{}号院", PLACES[(i + 6) % PLACES.len()].0, 2 + i),
               "phone": format!("1583771{:04}", 2000 + i * 53)})
    };
    let source = if from_complaint {
        json!({"kind": "complaint"})
    } else if course == Course::Major {
        json!({"kind": "referral", "detail": "区生态环境分局移送"})
    } else if i % 4 == 1 {
        json!({"kind": "patrol", "detail": "中队日常巡查发现"})
    } else {
        json!({"kind": "inspection", "detail": "市容秩序专项检查"})
    };
    let day = act.format("%Y年%-m月%-d日");
    let facts = format!(
        "{day}，当事人{name}在南阳市卧龙区{place}{}。执法人员现场检查、拍照取证并责令改正。",
        off.act
    );
    let mut evidence = vec![
        json!({"kind": "inspection_record", "description": "现场检查笔录一份", "source": "执法人员现场制作", "date": evidence_day}),
        json!({"kind": "audio_visual", "description": format!("现场照片{}张", 3 + i % 4), "source": "执法人员现场拍摄", "date": evidence_day}),
        json!({"kind": "party_statement", "description": "询问笔录一份", "source": format!("当事人{name}"), "date": evidence_day}),
        json!({"kind": "documentary", "description": if off.organisation {"营业执照复印件及法定代表人身份证明"} else {"当事人居民身份证复印件"}, "source": "当事人提供", "date": evidence_day}),
    ];
    if from_complaint {
        evidence.push(json!({"kind": "documentary", "description": "投诉举报记录一份", "source": "区城市管理局指挥中心", "date": evidence_day}));
    }
    let reason = match off.tier {
        "no_penalty" => "当事人初次违法，危害后果轻微并当场改正，依据《中华人民共和国行政处罚法》第三十三条第一款不予行政处罚，已对当事人进行教育。".to_string(),
        "lighter" => format!("当事人积极配合调查并及时改正，属从轻情形，按裁量基准从轻档次拟处罚款{}元。", off.fine),
        "heavier" => format!("当事人拒不改正或再次违法，属从重情形，按裁量基准从重档次拟处罚款{}元。", off.fine),
        _ => format!("无从轻、减轻或从重情节，按裁量基准一般档次拟处罚款{}元。", off.fine),
    };
    json!({"party": party, "source": source,
           "place": {"address": format!("南阳市卧龙区{place}"), "longitude": lon, "latitude": lat},
           "facts": facts, "evidence": evidence, "discretion_reason": reason})
}
