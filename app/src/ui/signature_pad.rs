//! The handwritten signature (island): a box to write one's name in with a finger, a pen or
//! a mouse (pointer events), kept as a PNG in the signing form's hidden `signature` field.
//!
//! Without JavaScript the box cannot be drawn in: the page says so, and the signature is the
//! identity check by SMS code plus the explicit confirmation (在线诉讼规则 art. 33 allows
//! online confirmation). Once the island wakes it adds `pad=1` to the form, and the server
//! then refuses a signature left blank.

use crate::rules::Lang;
use leptos::prelude::*;

#[island]
pub fn SignaturePad(lang: Lang) -> impl IntoView {
    let woke = RwSignal::new(false);
    let drawn = RwSignal::new(String::new());
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| woke.set(true));
    }
    #[cfg(feature = "hydrate")]
    let handlers = pad::Handlers::new(canvas, drawn);
    #[cfg(feature = "hydrate")]
    let (down, moved, up, clear) = (handlers.clone(), handlers.clone(), handlers.clone(), handlers);
    view! {
        <div class="signature-pad" data-testid="signature-pad">
            <p class="hint">
                {move || {
                    if woke.get() {
                        lang.pick(
                            "请在下面的框里用手指写下您的名字。",
                            "Write your name in the box below with your finger.",
                        )
                    } else {
                        lang.pick(
                            "页面还在加载手写签名框。如果一直没有出现，输入验证码并确认也可以签名。",
                            "The signature box is loading. If it never appears, the code and your confirmation sign.",
                        )
                    }
                }}
            </p>
            <canvas
                node_ref=canvas
                width="600"
                height="240"
                aria-label=lang.pick("手写签名框", "Signature box")
                on:pointerdown=move |ev| {
                    #[cfg(feature = "hydrate")] down.start(&ev);
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                }
                on:pointermove=move |ev| {
                    #[cfg(feature = "hydrate")] moved.draw(&ev);
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                }
                on:pointerup=move |ev| {
                    #[cfg(feature = "hydrate")] up.finish(&ev);
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                }
            ></canvas>
            <input type="hidden" name="signature" prop:value=move || drawn.get() />
            {move || woke.get().then(|| view! { <input type="hidden" name="pad" value="1" /> })}
            <button
                type="button"
                class="link-button"
                data-testid="signature-clear"
                on:click=move |_| {
                    #[cfg(feature = "hydrate")] clear.clear();
                }
            >
                {lang.pick("清除重写", "Clear")}
            </button>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod pad {
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};

    #[derive(Clone)]
    pub struct Handlers {
        canvas: NodeRef<leptos::html::Canvas>,
        drawn: RwSignal<String>,
        down: Rc<Cell<bool>>,
        last: Rc<Cell<(f64, f64)>>,
    }

    impl Handlers {
        pub fn new(canvas: NodeRef<leptos::html::Canvas>, drawn: RwSignal<String>) -> Handlers {
            Handlers { canvas, drawn, down: Rc::new(Cell::new(false)), last: Rc::new(Cell::new((0.0, 0.0))) }
        }

        fn parts(&self) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
            let el: HtmlCanvasElement = self.canvas.get_untracked()?;
            let ctx = el.get_context("2d").ok().flatten()?.dyn_into::<CanvasRenderingContext2d>().ok()?;
            Some((el, ctx))
        }

        /// The pointer's place in the canvas's own pixels (its box is scaled by CSS).
        fn point(el: &HtmlCanvasElement, ev: &PointerEvent) -> (f64, f64) {
            let rect = el.get_bounding_client_rect();
            let sx = f64::from(el.width()) / rect.width().max(1.0);
            let sy = f64::from(el.height()) / rect.height().max(1.0);
            ((f64::from(ev.client_x()) - rect.left()) * sx, (f64::from(ev.client_y()) - rect.top()) * sy)
        }

        pub fn start(&self, ev: &PointerEvent) {
            let Some((el, ctx)) = self.parts() else { return };
            ev.prevent_default();
            let _ = el.set_pointer_capture(ev.pointer_id());
            let p = Self::point(&el, ev);
            self.down.set(true);
            self.last.set(p);
            // A tap leaves a dot.
            ctx.begin_path();
            let _ = ctx.arc(p.0, p.1, 2.5, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str("#111");
            ctx.fill();
        }

        pub fn draw(&self, ev: &PointerEvent) {
            if !self.down.get() {
                return;
            }
            let Some((el, ctx)) = self.parts() else { return };
            ev.prevent_default();
            let p = Self::point(&el, ev);
            let (x, y) = self.last.get();
            ctx.set_line_width(5.0);
            ctx.set_line_cap("round");
            ctx.set_line_join("round");
            ctx.set_stroke_style_str("#111");
            ctx.begin_path();
            ctx.move_to(x, y);
            ctx.line_to(p.0, p.1);
            ctx.stroke();
            self.last.set(p);
        }

        pub fn finish(&self, ev: &PointerEvent) {
            if !self.down.replace(false) {
                return;
            }
            self.draw(ev);
            if let Some((el, _)) = self.parts() {
                if let Ok(url) = el.to_data_url_with_type("image/png") {
                    self.drawn.set(url);
                }
            }
        }

        pub fn clear(&self) {
            if let Some((el, ctx)) = self.parts() {
                ctx.clear_rect(0.0, 0.0, f64::from(el.width()), f64::from(el.height()));
            }
            self.down.set(false);
            self.drawn.set(String::new());
        }
    }
}
