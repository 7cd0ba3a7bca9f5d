//! The sandbox provider's own pages: its checkout (pay / cancel / fail) and its refunds
//! console, where someone plays the bank. Plain HTML — it is the provider's page, not ours,
//! and works without JavaScript. Mounted only with `--demo` (`http::router`): no money moves
//! here, so it must never be reachable where real fees are paid. The refunds console is for
//! the demo court's administrator only (it settles anyone's refund).

use crate::http::caller::ApiCaller;
use crate::http::state::AppState;
use app::api::types::Role;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox-pay/checkout/{trade_no}", get(page).post(act))
        .route("/sandbox-pay/refunds", get(refunds))
        .route("/sandbox-pay/refunds/{refund_no}", axum::routing::post(refund_act))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn page(State(s): State<AppState>, Path(trade_no): Path<String>) -> Response {
    let Some(sandbox) = &s.services.sandbox else { return StatusCode::NOT_FOUND.into_response() };
    let Ok(Some(o)) = sandbox.order(&trade_no).await else {
        return (StatusCode::NOT_FOUND, Html("<p>没有这笔订单。No such order.</p>")).into_response();
    };
    let yuan = app::rules::fees::Fen(o.amount_fen).format_yuan();
    let body = if o.status == "created" {
        format!(
            r#"<form method="post"><button name="action" value="pay" data-testid="sandbox-pay">确认支付 ¥{yuan}</button>
<button name="action" value="cancel" data-testid="sandbox-cancel">取消</button>
<button name="action" value="fail" data-testid="sandbox-fail">模拟支付失败</button></form>"#
        )
    } else {
        format!(
            r#"<p>这笔订单已经处理：{}</p><p><a href="{}">返回掌上法庭</a></p>"#,
            escape(&o.status),
            escape(&o.return_url)
        )
    };
    Html(format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{STYLE}<title>沙箱支付</title></head>
<body><p class="warn">这是测试用的沙箱支付，不会真的扣钱。Sandbox payment: no money moves.</p>
<h1>支付 ¥{yuan}</h1><p>{}</p><p>订单号 {}</p>{body}</body></html>"#,
        escape(&o.description),
        escape(&o.out_trade_no)
    ))
    .into_response()
}

const STYLE: &str = "<style>body{font:18px/1.5 sans-serif;margin:16px;max-width:480px}\
    button{display:block;width:100%;min-height:56px;margin:10px 0;font-size:18px}\
    .warn{background:#fff3cd;padding:8px}li{margin:12px 0;list-style:none}</style>";

/// The sandbox's console: the refunds it is working on. A real provider settles them
/// with the bank in hours or days; here a person plays the bank and decides.
/// The refunds console is the administrator's: anyone else gets the 404 of a missing page.
fn admin(c: &app::api::port::Caller) -> bool {
    c.me.as_ref().is_some_and(|me| me.role == Role::Admin)
}

async fn refunds(State(s): State<AppState>, ApiCaller(c): ApiCaller) -> Response {
    let Some(sandbox) = s.services.sandbox.as_ref().filter(|_| admin(&c)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let list = match sandbox.refunds_in_progress().await {
        Ok(list) => list,
        Err(e) => {
            tracing::error!(error = %e, "sandbox refund list failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let items: String = if list.is_empty() {
        "<p data-testid=\"sandbox-no-refunds\">没有处理中的退款。No refunds in progress.</p>".into()
    } else {
        list.iter()
            .map(|r| {
                format!(
                    r#"<li data-testid="sandbox-refund" data-order="{order}"><b>退款 ¥{yuan}</b> 原订单 {order}<br>退款单 {no}
<form method="post" action="/sandbox-pay/refunds/{no}"><button name="action" value="success" data-testid="sandbox-refund-success">退款到账</button>
<button name="action" value="fail" data-testid="sandbox-refund-fail">模拟退款失败（如银行卡已注销）</button></form></li>"#,
                    yuan = app::rules::fees::Fen(r.amount_fen).format_yuan(),
                    order = escape(&r.out_trade_no),
                    no = escape(&r.refund_no),
                )
            })
            .collect()
    };
    Html(format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{STYLE}<title>沙箱支付：退款</title></head><body><p class="warn">沙箱支付通道的后台：这里扮演银行处理退款，不会真的退钱。Sandbox console: no money moves.</p>
<h1>处理中的退款</h1><ul>{items}</ul></body></html>"#
    ))
    .into_response()
}

async fn refund_act(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(refund_no): Path<String>,
    Form(a): Form<Act>,
) -> Response {
    let Some(sandbox) = s.services.sandbox.as_ref().filter(|_| admin(&c)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match sandbox.finish_refund(&refund_no, &a.action).await {
        Ok(_) => Redirect::to("/sandbox-pay/refunds").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "sandbox refund failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct Act {
    action: String,
}

async fn act(State(s): State<AppState>, Path(trade_no): Path<String>, Form(a): Form<Act>) -> Response {
    let Some(sandbox) = &s.services.sandbox else { return StatusCode::NOT_FOUND.into_response() };
    match sandbox.finish(&trade_no, &a.action).await {
        Ok(Some(back)) => Redirect::to(&back).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, Html("<p>没有这笔订单。No such order.</p>")).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "sandbox checkout failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
