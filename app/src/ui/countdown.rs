//! The live countdown to a deadline. The deadline itself comes from the server (computed by
//! `rules::deadlines`); this only shows how much time is left.

use crate::i18n::t;
use crate::rules::Lang;
use leptos::prelude::*;

/// "还剩 2天 3小时 4分 5秒" / "2 d 3 h 4 min 5 s left"; past the deadline, how long overdue.
pub fn remaining_text(seconds_left: i64, lang: Lang) -> String {
    let overdue = seconds_left < 0;
    let s = seconds_left.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    let body = match lang {
        Lang::Zh if d > 0 => format!("{d}天 {h}小时 {m}分 {sec}秒"),
        Lang::Zh => format!("{h}小时 {m}分 {sec}秒"),
        Lang::En if d > 0 => format!("{d} d {h} h {m} min {sec} s"),
        Lang::En => format!("{h} h {m} min {sec} s"),
    };
    match (lang, overdue) {
        (Lang::Zh, false) => format!("还剩 {body}"),
        (Lang::Zh, true) => format!("已超期 {body}"),
        (Lang::En, false) => format!("{body} left"),
        (Lang::En, true) => format!("overdue by {body}"),
    }
}

/// Seconds since the epoch, on whichever side runs this.
pub fn now_secs() -> i64 {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        (web_sys::js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// Ticks once a second in the browser; without JavaScript it shows the time left when the
/// page was made. A lazy island: its code is fetched only by pages that show a deadline.
#[island(lazy)]
pub fn Countdown(due_at: i64, lang: Lang) -> impl IntoView {
    let now = RwSignal::new(now_secs());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let tick = gloo_timers::callback::Interval::new(1_000, move || now.set(now_secs()));
        // The interval lives as long as the page: islands are never unmounted.
        tick.forget();
    });
    let left = move || due_at - now.get();
    view! {
        <span
            class="countdown"
            class:overdue=move || { left() < 0 }
            role="timer"
            aria-label=t(lang, ("剩余时间", "Time left"))
        >
            {move || remaining_text(left(), lang)}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_text_shows_days_hours_minutes_seconds() {
        let s = 2 * 86_400 + 3 * 3_600 + 4 * 60 + 5;
        assert_eq!(remaining_text(s, Lang::Zh), "还剩 2天 3小时 4分 5秒");
        assert_eq!(remaining_text(s, Lang::En), "2 d 3 h 4 min 5 s left");
    }

    #[test]
    fn remaining_text_drops_days_under_one_day() {
        assert_eq!(remaining_text(61, Lang::Zh), "还剩 0小时 1分 1秒");
    }

    #[test]
    fn remaining_text_says_overdue_after_the_deadline() {
        assert_eq!(remaining_text(-86_400, Lang::Zh), "已超期 1天 0小时 0分 0秒");
        assert_eq!(remaining_text(-1, Lang::En), "overdue by 0 h 0 min 1 s");
    }
}

/// Under a last day in a year whose holidays are not entered yet (`DeadlineView::provisional`).
pub fn provisional_note(lang: Lang) -> &'static str {
    t(
        lang,
        (
            "这一年的放假安排还没有录入：如果这一天是节假日，最后一天顺延到节后第一个工作日。",
            "That year's public holidays are not entered yet: if this day is a holiday, the last day moves to the next working day.",
        ),
    )
}

/// A deadline in large type: what it is, the last day, the live countdown, and the rule it
/// comes from; red once overdue. `hint` says in plain words what happens if it is missed.
#[component]
pub fn DeadlineBox(
    deadline: crate::api::types::DeadlineView,
    lang: Lang,
    #[prop(into)] testid: String,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let d = deadline;
    view! {
        <div class="next-deadline" class:overdue=d.overdue data-testid=testid>
            <p class="label">{d.label.clone()}</p>
            <p class="big-date">{t(lang, ("截止：", "Due: "))} {d.due_date.clone()}</p>
            <p class="big-countdown">
                <Countdown due_at=d.due_at lang=lang />
            </p>
            <p class="source">{t(lang, ("依据：", "Rule: "))} {d.source.clone()}</p>
            {d
                .provisional
                .then(|| {
                    view! {
                        <p class="hint" data-testid="deadline-provisional">
                            {provisional_note(lang)}
                        </p>
                    }
                })}
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
        </div>
    }
}
