//! The litigation-fee calculator (island). It runs the court's fee engine
//! (`rules::fees`, 诉讼费用交纳办法) in the browser as the person types; the server runs the
//! very same code for the amount actually charged. Without JavaScript it is a plain GET form
//! and the server renders the same result.

use crate::i18n::t;
use crate::rules::fees::{
    quote, AdministrativeKind, AmountUse, CourtFeeSettings, FeeInput, FeeKind, FeeQuote, Outcome, Procedure,
};
use crate::rules::Lang;
use leptos::prelude::*;

/// What the amount box means for each kind (the statute counts different things).
fn amount_label(kind: FeeKind, lang: Lang) -> &'static str {
    t(
        lang,
        match kind {
            FeeKind::Property => ("起诉要求的金额（元）", "Amount claimed (yuan)"),
            FeeKind::PaymentOrder => ("要求对方支付的金额（元）", "Amount to be paid (yuan)"),
            FeeKind::Divorce => {
                ("要分割的财产总额（元，没有可不填）", "Property to be divided (yuan, if any)")
            }
            FeeKind::Ip => ("争议金额（元，没有可不填）", "Amount in dispute (yuan, if any)"),
            FeeKind::Enforcement => ("申请执行的金额（元，没有可不填）", "Amount to enforce (yuan, if any)"),
            FeeKind::Preservation => {
                ("要保全的财产价值（元，没有可不填）", "Value of property to preserve (yuan, if any)")
            }
            _ => ("金额（元）", "Amount (yuan)"),
        },
    )
}

fn kind_name(kind: FeeKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => kind.name_zh(),
        Lang::En => kind.name_en(),
    }
}

/// The quote as a table of lines, each with its article, and the total.
pub fn quote_view(q: FeeQuote, lang: Lang) -> impl IntoView {
    let label = move |l: &crate::rules::fees::FeeLine| match lang {
        Lang::Zh => l.label_zh.clone(),
        Lang::En => l.label_en.clone(),
    };
    view! {
        <table class="fee-lines" data-testid="fee-lines">
            <tbody>
                {q
                    .lines
                    .iter()
                    .map(|l| {
                        view! {
                            <tr>
                                <td>{label(l)} <small class="source">{l.source.clone()}</small></td>
                                <td class="money">{l.fen.format_yuan()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th>{t(lang, ("合计（元）", "Total (yuan)"))}</th>
                    <th class="money" data-testid="fee-total">
                        {q.total.format_yuan()}
                    </th>
                </tr>
            </tfoot>
        </table>
        <p class="hint">
            {if q.prepaid {
                t(
                    lang,
                    (
                        "这笔费用要在立案后预先交纳。",
                        "This fee is paid in advance, after the case is accepted.",
                    ),
                )
            } else {
                t(lang, ("这笔费用不用预先交纳。", "This fee is not paid in advance."))
            }}
        </p>
    }
}

#[island(lazy)]
pub fn FeeCalculator(lang: Lang, settings: CourtFeeSettings, initial: FeeInput) -> impl IntoView {
    // The kind chosen before the island woke up (or the page's own choice).
    let kind = RwSignal::new(
        kind_from(&crate::ui::typed_before_wake("kind", String::new())).unwrap_or(initial.kind),
    );
    let amount = RwSignal::new(crate::ui::typed_before_wake("amount", initial.amount_yuan));
    let damages = RwSignal::new(crate::ui::typed_before_wake("damages", initial.damages_yuan));
    let awake = crate::ui::awake();
    let procedure = RwSignal::new(initial.procedure);
    let outcome = RwSignal::new(initial.outcome);
    let administrative = RwSignal::new(initial.administrative);

    let result = move || {
        let input = only_what_applies(FeeInput {
            kind: kind.get(),
            amount_yuan: amount.get(),
            damages_yuan: damages.get(),
            procedure: procedure.get(),
            outcome: outcome.get(),
            administrative: administrative.get(),
        });
        if input.kind.amount_use() == AmountUse::Required && input.amount_yuan.trim().is_empty() {
            return None;
        }
        Some(input.request().and_then(|req| quote(&req, &settings)))
    };
    let takes_amount = move || kind.get().amount_use() != AmountUse::NotApplicable;
    let is_acceptance_fee = move || {
        let k = kind.get();
        !k.is_application_fee() && k != FeeKind::SpecialProcedure
    };

    view! {
        <form
            class="card form"
            method="get"
            action="/fees"
            data-testid="fee-form"
            data-waking=move || (!awake.get()).then_some("")
        >
            <label for="kind">{t(lang, ("案件或申请的种类", "Kind of case or application"))}</label>
            <select
                id="kind"
                name="kind"
                on:change=move |ev| {
                    if let Some(k) = kind_from(&event_target_value(&ev)) {
                        kind.set(k);
                    }
                }
            >
                {FeeKind::ALL
                    .iter()
                    .map(|k| {
                        let k = *k;
                        view! {
                            <option value=kind_code(k) selected=move || kind.get() == k>
                                {kind_name(k, lang)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <div class:hidden=move || !takes_amount()>
                <label for="amount">{move || amount_label(kind.get(), lang)}</label>
                <input
                    id="amount"
                    name="amount"
                    inputmode="decimal"
                    autocomplete="off"
                    placeholder="150000"
                    value=amount.get_untracked()
                    prop:value=move || amount.get()
                    on:input=move |ev| amount.set(event_target_value(&ev))
                    data-testid="fee-amount"
                />
            </div>
            <div class:hidden=move || kind.get() != FeeKind::Personality>
                <label for="damages">
                    {t(
                        lang,
                        ("要求赔偿的金额（元，没有可不填）", "Damages claimed (yuan, if any)"),
                    )}
                </label>
                <input
                    id="damages"
                    name="damages"
                    inputmode="decimal"
                    autocomplete="off"
                    value=damages.get_untracked()
                    prop:value=move || damages.get()
                    on:input=move |ev| damages.set(event_target_value(&ev))
                />
            </div>
            <div class:hidden=move || kind.get() != FeeKind::Administrative>
                <label for="administrative">
                    {t(lang, ("行政案件类型", "Administrative case type"))}
                </label>
                <select
                    id="administrative"
                    name="administrative"
                    on:change=move |ev| {
                        administrative
                            .set(
                                Some(
                                    if event_target_value(&ev) == "trademark_patent_maritime" {
                                        AdministrativeKind::TrademarkPatentMaritime
                                    } else {
                                        AdministrativeKind::Other
                                    },
                                ),
                            )
                    }
                >
                    <option
                        value="other"
                        selected=move || {
                            administrative.get() != Some(AdministrativeKind::TrademarkPatentMaritime)
                        }
                    >
                        {t(lang, ("其他行政案件", "Other"))}
                    </option>
                    <option
                        value="trademark_patent_maritime"
                        selected=move || {
                            administrative.get() == Some(AdministrativeKind::TrademarkPatentMaritime)
                        }
                    >
                        {t(lang, ("商标、专利、海事行政案件", "Trademark, patent or maritime"))}
                    </option>
                </select>
            </div>
            <div class:hidden=move || !is_acceptance_fee()>
                <label for="procedure">{t(lang, ("审理程序", "Procedure"))}</label>
                <select
                    id="procedure"
                    name="procedure"
                    on:change=move |ev| procedure.set(procedure_from(&event_target_value(&ev)))
                >
                    <option value="ordinary" selected=move || procedure.get() == Procedure::Ordinary>
                        {t(lang, ("普通程序", "Ordinary procedure"))}
                    </option>
                    <option value="simplified" selected=move || procedure.get() == Procedure::Simplified>
                        {t(lang, ("简易程序（减半交纳）", "Simplified procedure (half fee)"))}
                    </option>
                    <option value="small_claims" selected=move || procedure.get() == Procedure::SmallClaims>
                        {t(lang, ("小额诉讼（减半交纳）", "Small claims (half fee)"))}
                    </option>
                </select>
                <label for="outcome">{t(lang, ("案件怎样结束", "How the case ends"))}</label>
                <select
                    id="outcome"
                    name="outcome"
                    on:change=move |ev| outcome.set(outcome_from(&event_target_value(&ev)))
                >
                    <option value="" selected=move || outcome.get().is_none()>
                        {t(lang, ("判决，或还不知道", "Judgment, or not known yet"))}
                    </option>
                    <option value="mediated" selected=move || outcome.get() == Some(Outcome::Mediated)>
                        {t(lang, ("调解结案（减半）", "Settled by mediation (half)"))}
                    </option>
                    <option value="withdrawn" selected=move || outcome.get() == Some(Outcome::Withdrawn)>
                        {t(lang, ("撤诉（减半）", "Withdrawn (half)"))}
                    </option>
                </select>
            </div>
            <noscript>
                <button type="submit" class="btn primary">
                    {t(lang, ("计算", "Work it out"))}
                </button>
            </noscript>
        </form>
        <section class="card" aria-live="polite" data-testid="fee-result">
            {move || match result() {
                None => {
                    view! {
                        <p class="hint">
                            {t(
                                lang,
                                (
                                    "请输入金额，马上算出费用。",
                                    "Enter the amount to see the fee.",
                                ),
                            )}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(q)) => quote_view(q, lang).into_any(),
                Some(Err(e)) => {
                    view! {
                        <p class="form-error" role="alert" data-testid="fee-error">
                            {e.message(lang == Lang::Zh)}
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The form keeps every box (a person may switch kinds back and forth); the boxes hidden for
/// this kind do not count.
pub fn only_what_applies(mut input: FeeInput) -> FeeInput {
    if input.kind.amount_use() == AmountUse::NotApplicable {
        input.amount_yuan.clear();
    }
    if input.kind != FeeKind::Personality {
        input.damages_yuan.clear();
    }
    if input.kind != FeeKind::Administrative {
        input.administrative = None;
    }
    input
}

/// The snake_case name a kind travels as (the same as the API's `kind`).
pub fn kind_code(kind: FeeKind) -> &'static str {
    match kind {
        FeeKind::Property => "property",
        FeeKind::Divorce => "divorce",
        FeeKind::Personality => "personality",
        FeeKind::OtherNonProperty => "other_non_property",
        FeeKind::Ip => "ip",
        FeeKind::Labor => "labor",
        FeeKind::Administrative => "administrative",
        FeeKind::JurisdictionObjection => "jurisdiction_objection",
        FeeKind::Enforcement => "enforcement",
        FeeKind::Preservation => "preservation",
        FeeKind::PaymentOrder => "payment_order",
        FeeKind::PublicSummons => "public_summons",
        FeeKind::SpecialProcedure => "special_procedure",
    }
}

pub fn kind_from(code: &str) -> Option<FeeKind> {
    FeeKind::ALL.into_iter().find(|k| kind_code(*k) == code)
}

pub fn procedure_from(code: &str) -> Procedure {
    match code {
        "simplified" => Procedure::Simplified,
        "small_claims" => Procedure::SmallClaims,
        _ => Procedure::Ordinary,
    }
}

pub fn outcome_from(code: &str) -> Option<Outcome> {
    match code {
        "mediated" => Some(Outcome::Mediated),
        "withdrawn" => Some(Outcome::Withdrawn),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_boxes_do_not_count() {
        let mut input = FeeInput::new(FeeKind::Labor);
        input.amount_yuan = "1000".into();
        input.damages_yuan = "5".into();
        input.administrative = Some(AdministrativeKind::Other);
        let input = only_what_applies(input);
        assert_eq!(
            (input.amount_yuan.as_str(), input.damages_yuan.as_str(), input.administrative),
            ("", "", None)
        );
        let mut input = FeeInput::new(FeeKind::Personality);
        input.damages_yuan = "60000".into();
        assert_eq!(only_what_applies(input.clone()), input);
    }

    #[test]
    fn kind_codes_go_back_and_forth() {
        for k in FeeKind::ALL {
            assert_eq!(kind_from(kind_code(k)), Some(k));
        }
        assert_eq!(kind_from("spaceship"), None);
    }
}
