use super::viewer;
use crate::api::fns::fee_settings;
use crate::rules::fees::{FeeInput, FeeKind};
use crate::ui::fee_calculator::{kind_from, outcome_from, procedure_from, FeeCalculator};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 诉讼费计算器: public, no sign-in. The form's values travel in the query string, so the
/// page works as a plain GET form without JavaScript; with it, the island recomputes as the
/// person types.
#[component]
pub fn Fees() -> impl IntoView {
    let p = viewer().prefs;
    let query = use_query_map().read_untracked().clone();
    let mut initial =
        FeeInput::new(query.get("kind").as_deref().and_then(kind_from).unwrap_or(FeeKind::Property));
    initial.amount_yuan = query.get("amount").unwrap_or_default();
    initial.damages_yuan = query.get("damages").unwrap_or_default();
    initial.procedure = procedure_from(query.get("procedure").as_deref().unwrap_or(""));
    initial.outcome = outcome_from(query.get("outcome").as_deref().unwrap_or(""));
    initial.administrative = match query.get("administrative").as_deref() {
        Some("trademark_patent_maritime") => {
            Some(crate::rules::fees::AdministrativeKind::TrademarkPatentMaritime)
        }
        Some("other") => Some(crate::rules::fees::AdministrativeKind::Other),
        _ => None,
    };
    let settings = Resource::new_blocking(|| (), |_| fee_settings());
    view! {
        <h1>{p.t(("诉讼费计算器", "Court fee calculator"))}</h1>
        <p class="lead">
            {p
                .t((
                    "按《诉讼费用交纳办法》计算。每一项都写明依据的条文。",
                    "Worked out under the Measures on Litigation Fees. Each line names its article.",
                ))}
        </p>
        <Suspense>
            {move || {
                let initial = initial.clone();
                Suspend::new(async move {
                    let settings = settings.await.unwrap_or_default();
                    view! { <FeeCalculator lang=p.lang settings initial /> }
                })
            }}
        </Suspense>
        <p class="hint">
            {p
                .t((
                    "这是估算。实际金额以法院的交费通知为准。",
                    "This is an estimate. The court's fee notice gives the amount you actually pay.",
                ))}
        </p>
    }
}
