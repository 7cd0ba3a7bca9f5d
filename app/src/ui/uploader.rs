//! Evidence upload (island): resumable, over the tus 1.0 protocol (`/api/v1/uploads`,
//! `server/src/uploads.rs`). For each file the phone first computes its SHA-256 (here, in
//! wasm, reading the file in slices: a 200 MB video never sits in memory whole), then sends
//! it in small pieces, each with its own checksum. When the connection drops it asks the
//! server how much arrived and goes on from there; the upload's address is kept in
//! `localStorage`, so choosing the same file again after a reload resumes it too. Pause,
//! resume and remove per file. When every file is in, the evidence form below is saved (what
//! was typed there is kept) and the page shows the new files.

use crate::rules::Lang;
use leptos::prelude::*;

/// Where an upload stands, as shown on its row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Hashing,
    Sending,
    Paused,
    Retrying,
    Done,
    Failed(String),
}

/// One file on the list. Only `Send` data: the file itself stays with its upload task.
#[derive(Clone, Copy)]
pub struct Row {
    pub key: usize,
    pub name: StoredValue<String>,
    pub size: u64,
    /// Bytes hashed or sent so far (which one, `status` says).
    pub done: RwSignal<u64>,
    pub status: RwSignal<Status>,
    pub paused: RwSignal<bool>,
    pub removed: RwSignal<bool>,
}

fn status_text(status: &Status, lang: Lang) -> String {
    match status {
        Status::Hashing => lang.pick("正在核对文件…", "Checking the file…").into(),
        Status::Sending => lang.pick("正在上传…", "Uploading…").into(),
        Status::Paused => lang.pick("已暂停", "Paused").into(),
        Status::Retrying => lang.pick("网络断了，正在重新连接…", "Connection lost, reconnecting…").into(),
        Status::Done => lang.pick("已上传", "Uploaded").into(),
        Status::Failed(m) => m.clone(),
    }
}

#[island(lazy)]
pub fn EvidenceUploader(filing_id: i64, lang: Lang, max_file_mb: i64) -> impl IntoView {
    let rows = RwSignal::new(Vec::<Row>::new());
    let all_done = move || {
        let rows = rows.get();
        !rows.is_empty() && rows.iter().all(|r| r.removed.get() || r.status.get() == Status::Done)
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if all_done() {
            client::save_evidence_form();
        }
    });
    let awake = crate::ui::awake();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| client::pick_up_chosen(rows, filing_id, lang, max_file_mb));
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        client::start(ev, rows, filing_id, lang, max_file_mb);
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, filing_id, max_file_mb);
    };
    view! {
        <label class="btn secondary upload-pick" for="evidence-files">
            {lang.pick("选择文件上传", "Choose files to upload")}
        </label>
        <input
            id="evidence-files"
            class="visually-hidden"
            type="file"
            multiple
            accept="image/*,application/pdf,audio/*,video/mp4,.heic,.m4a,.mp3"
            on:change=on_change
            data-testid="evidence-input"
        />
        <noscript>
            <p class="hint">
                {lang
                    .pick(
                        "上传文件需要浏览器开启 JavaScript。",
                        "Uploading files needs JavaScript turned on.",
                    )}
            </p>
        </noscript>
        <ul class="uploads" data-testid="upload-list" data-waking=move || (!awake.get()).then_some("")>
            // Rows are only ever added: a plain list (no keyed diffing in the download).
            {move || {
                rows.get()
                    .into_iter()
                    .map(|row| {
                        view! {
                            <li
                                class="upload"
                                class:hidden=move || row.removed.get()
                                data-testid="upload-row"
                            >
                                <span class="upload-name">{row.name.get_value()}</span>
                                <progress
                                    max=row.size.max(1).to_string()
                                    value=move || row.done.get().to_string()
                                ></progress>
                                <span class="upload-status" role="status" data-testid="upload-status">
                                    {move || status_text(&row.status.get(), lang)}
                                </span>
                                <span class="row">
                                    <button
                                        type="button"
                                        class="btn plain"
                                        data-testid="upload-pause"
                                        hidden=move || {
                                            !matches!(
                                                row.status.get(),
                                                Status::Sending | Status::Paused | Status::Retrying
                                            )
                                        }
                                        on:click=move |_| row.paused.update(|p| *p = !*p)
                                    >
                                        {move || {
                                            if row.paused.get() {
                                                lang.pick("继续", "Resume")
                                            } else {
                                                lang.pick("暂停", "Pause")
                                            }
                                        }}
                                    </button>
                                    <button
                                        type="button"
                                        class="btn plain"
                                        hidden=move || row.status.get() == Status::Done
                                        on:click=move |_| row.removed.set(true)
                                    >
                                        {lang.pick("移除", "Remove")}
                                    </button>
                                </span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        <p class="hint" role="status">
            {move || {
                all_done()
                    .then(|| {
                        lang.pick(
                            "全部上传好了，正在加入证据列表…",
                            "All uploaded; adding them to the list…",
                        )
                    })
            }}
        </p>
    }
}

/// Standard base64 (RFC 4648 §4, with padding), for tus metadata and checksums.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(feature = "hydrate")]
mod client {
    use super::{base64, Row, Status};
    use crate::rules::Lang;
    use leptos::prelude::*;
    use sha2::{Digest, Sha256};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Blob, File, HtmlElement, HtmlInputElement, Request, RequestInit, Response};

    /// Bytes read at a time to hash, and sent per PATCH (small: on a weak network a lost
    /// piece costs little). Sizes are whole bytes (u64): no float formatting or parsing code
    /// in the download.
    const HASH_SLICE: u64 = 4 * 1024 * 1024;
    const SEND_SLICE: u64 = 512 * 1024;

    pub fn start(ev: leptos::ev::Event, rows: RwSignal<Vec<Row>>, filing: i64, lang: Lang, max_mb: i64) {
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            start_input(&input, rows, filing, lang, max_mb);
        }
    }

    /// Files chosen before the island woke up (it is lazy: it loads after the page is usable)
    /// are uploaded now instead of being ignored.
    pub fn pick_up_chosen(rows: RwSignal<Vec<Row>>, filing: i64, lang: Lang, max_mb: i64) {
        let input = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("evidence-files"))
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
        if let Some(input) = input {
            start_input(&input, rows, filing, lang, max_mb);
        }
    }

    fn start_input(input: &HtmlInputElement, rows: RwSignal<Vec<Row>>, filing: i64, lang: Lang, max_mb: i64) {
        let Some(files) = input.files() else { return };
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            let key = rows.with_untracked(|r| r.len());
            let row = Row {
                key,
                name: StoredValue::new(file.name()),
                size: file.size() as u64,
                done: RwSignal::new(0),
                status: RwSignal::new(Status::Hashing),
                paused: RwSignal::new(false),
                removed: RwSignal::new(false),
            };
            rows.update(|r| r.push(row));
            leptos::task::spawn_local(async move {
                if let Err(message) = upload(file, row, filing, lang, max_mb).await {
                    row.status.set(Status::Failed(message));
                }
            });
        }
        input.set_value("");
    }

    /// Saves the evidence form below (its typed titles kept), which reloads the page with the
    /// new files on the list.
    pub fn save_evidence_form() {
        if let Some(button) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("evidence-save"))
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            button.click();
        }
    }

    async fn read(blob: &Blob, start: u64, end: u64) -> Result<Vec<u8>, JsValue> {
        let slice = blob.slice_with_f64_and_f64(start as f64, end as f64)?;
        let buffer = JsFuture::from(slice.array_buffer()).await?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    async fn sha256_of(file: &File, row: Row) -> Result<String, JsValue> {
        let mut hasher = Sha256::new();
        let size = file.size() as u64;
        let mut at = 0;
        while at < size {
            let end = (at + HASH_SLICE).min(size);
            hasher.update(read(file, at, end).await?);
            at = end;
            row.done.set(at);
        }
        Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    struct Answer {
        status: u16,
        offset: Option<u64>,
        location: Option<String>,
        error: Option<String>,
    }

    async fn call(
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, JsValue> {
        let init = RequestInit::new();
        init.set_method(method);
        let h = web_sys::Headers::new()?;
        h.set("Tus-Resumable", "1.0.0")?;
        for (k, v) in headers {
            h.set(k, v)?;
        }
        init.set_headers(&h);
        if let Some(body) = body {
            init.set_body(&js_sys::Uint8Array::from(body.as_slice()).into());
        }
        let request = Request::new_with_str_and_init(url, &init)?;
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request)).await?.dyn_into()?;
        let get = |name: &str| response.headers().get(name).ok().flatten();
        let error = if response.ok() {
            None
        } else {
            let text = JsFuture::from(response.text()?).await.ok().and_then(|t| t.as_string());
            text.and_then(|t| {
                let v = js_sys::JSON::parse(&t).ok()?;
                js_sys::Reflect::get(&v, &JsValue::from_str("error")).ok()?.as_string()
            })
        };
        Ok(Answer {
            status: response.status(),
            offset: get("Upload-Offset").and_then(|v| v.parse().ok()),
            location: get("Location"),
            error,
        })
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    }

    async fn sleep(ms: u32) {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }

    async fn upload(file: File, row: Row, filing: i64, lang: Lang, max_mb: i64) -> Result<(), String> {
        let size = file.size() as u64;
        if size == 0 {
            return Err(lang
                .pick("这个文件是空的，请换一个。", "This file is empty; choose another.")
                .into());
        }
        if size > (max_mb.max(0) as u64) * 1_048_576 {
            return Err(match lang {
                Lang::Zh => format!("文件太大：每个文件不能超过{max_mb}MB。视频可以剪短，或到法院窗口递交。"),
                Lang::En => format!(
                    "Too large: {max_mb} MB per file at most. Shorten a video, or hand it in at the court."
                ),
            });
        }
        let unreadable = || {
            lang.pick("读不出这个文件，请换一个。", "This file cannot be read; choose another.").to_string()
        };
        let sha = sha256_of(&file, row).await.map_err(|_| unreadable())?;
        let remember = format!("pc-upload:{filing}:{sha}");
        // Resume an upload of the same file begun before (a reload, a crash).
        let mut url = storage().and_then(|s| s.get_item(&remember).ok().flatten());
        let mut need_head = url.is_some();
        let mut offset = 0;
        let mut backoff = 1_000u32;
        row.status.set(Status::Sending);
        row.done.set(0);
        loop {
            if row.removed.get_untracked() {
                if let Some(u) = &url {
                    let _ = call("DELETE", u, &[], None).await;
                }
                if let Some(s) = storage() {
                    let _ = s.remove_item(&remember);
                }
                return Ok(());
            }
            if row.paused.get_untracked() {
                row.status.set(Status::Paused);
                sleep(300).await;
                continue;
            }
            let step = match &url {
                None => {
                    let metadata = format!(
                        "filename {},filing {},sha256 {}",
                        base64(file.name().as_bytes()),
                        base64(filing.to_string().as_bytes()),
                        base64(sha.as_bytes())
                    );
                    call(
                        "POST",
                        "/api/v1/uploads",
                        &[("Upload-Length", format!("{size}")), ("Upload-Metadata", metadata)],
                        None,
                    )
                    .await
                    .inspect(|a| {
                        if a.status == 201 {
                            url = a.location.clone();
                            if let (Some(s), Some(u)) = (storage(), &url) {
                                let _ = s.set_item(&remember, u);
                            }
                        }
                    })
                }
                Some(u) if need_head => {
                    // A remembered upload: how much did the server keep?
                    need_head = false;
                    call("HEAD", u, &[], None).await.inspect(|a| {
                        if let Some(o) = a.offset {
                            offset = o;
                            row.done.set(o);
                        }
                        if a.status == 404 {
                            url = None;
                        }
                    })
                }
                Some(u) => {
                    let end = (offset + SEND_SLICE).min(size);
                    let bytes = match read(&file, offset, end).await {
                        Ok(b) => b,
                        Err(_) => return Err(unreadable()),
                    };
                    let checksum = format!("sha256 {}", base64(&Sha256::digest(&bytes)));
                    call(
                        "PATCH",
                        u,
                        &[
                            ("Content-Type", "application/offset+octet-stream".into()),
                            ("Upload-Offset", format!("{offset}")),
                            ("Upload-Checksum", checksum),
                        ],
                        Some(bytes),
                    )
                    .await
                }
            };
            match step {
                Ok(a) if a.status < 300 => {
                    backoff = 1_000;
                    row.status.set(Status::Sending);
                    if let Some(o) = a.offset {
                        offset = o;
                        row.done.set(o);
                    }
                    if offset >= size && url.is_some() {
                        if let Some(s) = storage() {
                            let _ = s.remove_item(&remember);
                        }
                        row.status.set(Status::Done);
                        return Ok(());
                    }
                }
                // The offset moved on (another tab, a lost answer): ask again.
                Ok(a) if a.status == 409 => {
                    if let Some(u) = &url {
                        if let Ok(h) = call("HEAD", u, &[], None).await {
                            offset = h.offset.unwrap_or(offset);
                        }
                    }
                }
                Ok(a) if a.status == 404 && url.is_some() => {
                    url = None;
                    offset = 0;
                    row.done.set(0);
                }
                Ok(a) if a.status == 460 => {
                    // A piece arrived damaged; send it again.
                }
                Ok(a) if (400..500).contains(&a.status) => {
                    if let Some(s) = storage() {
                        let _ = s.remove_item(&remember);
                    }
                    return Err(a.error.unwrap_or_else(|| {
                        lang.pick("服务器不接受这个文件。", "The server did not accept this file.").into()
                    }));
                }
                // A dropped connection or a server hiccup: wait, then ask where it stands.
                _ => {
                    row.status.set(Status::Retrying);
                    sleep(backoff).await;
                    backoff = (backoff * 2).min(30_000);
                    if let Some(u) = &url {
                        if let Ok(h) = call("HEAD", u, &[], None).await {
                            if let Some(o) = h.offset {
                                offset = o;
                                row.done.set(o);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }
}
