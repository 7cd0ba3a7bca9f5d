import { test, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createHash } from 'crypto';
import { hydrated, shot, useSession, useStaffSession } from './helpers';

const ZHANG = '13800000001';
const CLERK = '13900000001';
const OTHER_COURT_CLERK = '13900000011';

// A real (if plain) PDF of about 1.3 MB: several pieces to send, so one can be cut off.
function pdf(kb: number): Buffer {
  const body = Buffer.alloc(kb * 1024, 'evidence of the loan, page after page. ');
  return Buffer.concat([Buffer.from('%PDF-1.7\n% scanned IOU\n'), body, Buffer.from('\n%%EOF\n')]);
}
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function staffPage(browser: Browser, phone: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await useStaffSession(context, phone);
  return [context, await context.newPage()];
}

async function next(page: Page, step: string) {
  await page.getByTestId('next').click();
  await page.waitForURL(new RegExp(`/filings/\\d+/${step}`));
}

// A litigant files a 民间借贷 case on the phone with two evidence files, one upload cut off
// mid-way and resumed; the clerk asks for a correction; the litigant corrects; the clerk
// dockets; the litigant sees the 案号, the acceptance notice and the fee notice.
test('file online, upload with a dropped connection, correct, docket', async ({ page, browser }) => {
  await useSession(page.context(), ZHANG);
  await page.goto('/filings');
  await page.getByTestId('new-filing').click();
  await page.waitForURL(/\/filings\/\d+\/court/);
  const filing = page.url().match(/\/filings\/(\d+)\//)![1];
  await page.getByText('民间借贷纠纷').click();
  await shot(page, 'filing-01-cause');
  await next(page, 'parties');

  // The plaintiff is the signed-in person, already filled in; the address is not.
  await expect(page.locator('input[name="plaintiffs.0.name"]')).toHaveValue('张三');
  await page.locator('input[name="plaintiffs.0.address"]').fill('湖南省浏阳市集里街道1号');
  await page.getByTestId('add-defendant').click();
  await page.waitForURL(/\/filings\/\d+\/parties/);
  await hydrated(page);
  await page.locator('input[name="plaintiffs.0.address"]').waitFor();
  await page.locator('input[name="defendants.0.name"]').fill('李四');
  // Checked as typed, with the server's rule: a mistyped ID says what is wrong.
  await page.locator('input[name="defendants.0.id_number"]').fill('110105194912310021');
  await expect(page.locator('[id="defendants.0.id_number-error"]')).toContainText('身份证号码');
  await page.locator('input[name="defendants.0.id_number"]').fill('');
  await expect(page.locator('[id="defendants.0.id_number-error"]')).toBeEmpty();
  await page.locator('input[name="defendants.0.address"]').fill('湖南省浏阳市淮川街道2号');
  await shot(page, 'filing-02-parties');
  await next(page, 'claims');

  await page.locator('textarea[name="claims.0.text"], input[name="claims.0.text"]').fill('判令被告归还借款50000元');
  await page.locator('input[name="claims.0.amount_yuan"]').fill('5万');
  await hydrated(page);
  // What was typed before the page woke up is still there once it has.
  await expect(page.locator('[name="claims.0.text"]')).toHaveValue('判令被告归还借款50000元');
  await page.locator('input[name="claims.0.amount_yuan"]').fill('50000');
  await page.locator('[name="facts"]').fill('2025年3月借给被告5万元，约定半年归还，到期未还。');
  await next(page, 'evidence');

  // Two files; the second piece of the big one is cut off on its way, and the upload goes on
  // from what the server kept.
  await hydrated(page);
  let patches = 0;
  let cut = false;
  await page.route('**/api/v1/uploads/*', async (route) => {
    if (route.request().method() === 'PATCH' && ++patches === 2 && !cut) {
      cut = true;
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  const big = pdf(1300);
  await page.getByTestId('evidence-input').setInputFiles([
    { name: '借条.pdf', mimeType: 'application/pdf', buffer: big },
    { name: '转账记录.png', mimeType: 'image/png', buffer: PNG },
  ]);
  await expect(page.getByTestId('upload-row')).toHaveCount(2);
  // When every file is in, the evidence list is saved and shown with them.
  await page.waitForURL(/\/filings\/\d+\/evidence\?saved=1/, { timeout: 60_000 });
  expect(cut, 'an upload was cut off and resumed').toBe(true);
  await expect(page.getByTestId('evidence-0')).toBeVisible();
  await expect(page.getByTestId('evidence-1')).toBeVisible();
  await shot(page, 'filing-03-evidence');
  // The stored file is byte for byte what the phone had (checked by its SHA-256).
  const hash = createHash('sha256').update(big).digest('hex');
  const status = await (await page.request.get(`/api/v1/filings/${filing}`)).json();
  expect(status.problems.map((p: { field: string }) => p.field)).toEqual(['consent']);
  const href = await page.getByTestId('evidence-0').locator('legend a').getAttribute('href');
  const served = await page.request.get(href!);
  const sum = createHash('sha256').update(await served.body()).digest('hex');
  expect([hash, createHash('sha256').update(PNG).digest('hex')]).toContain(sum);
  await next(page, 'service');

  await page.getByText('同意', { exact: true }).click();
  await next(page, 'review');
  await expect(page.getByTestId('estimate-fee')).toContainText('1,050.00');
  await expect(page.getByTestId('problems')).toHaveCount(0);
  await shot(page, 'filing-04-review');
  await page.getByTestId('submit-filing').click();
  await page.waitForURL(/\/cases\/\d+\?filed=1/);
  const caseId = page.url().match(/\/cases\/(\d+)/)![1];
  await expect(page.getByTestId('case-note')).toContainText('立案申请已提交');
  await expect(page.getByTestId('stage')).toContainText('立案审查');
  await expect(page.getByTestId('next-deadline')).toContainText('立案审查期限');

  // The clerk finds it in the queue and asks for what is missing, all at once.
  const [clerkContext, clerk] = await staffPage(browser, CLERK);
  await clerk.goto('/staff/filings');
  await clerk.locator(`a[href="/staff/filings/${caseId}"]`).click();
  await clerk.waitForURL(`**/staff/filings/${caseId}`);
  await expect(clerk.getByTestId('review-evidence').locator('li')).toHaveCount(2);
  const correction = clerk.getByTestId('correction-form');
  await correction.locator('input[value="evidence_unclear"]').check();
  await correction.locator('input[value="defendant_details"]').check();
  await correction.locator('textarea').fill('借条照片第二页看不清，请重新拍照。');
  await shot(clerk, 'filing-05-clerk-correction');
  await correction.locator('button[type="submit"]').click();
  await clerk.waitForURL(`**/staff/filings/${caseId}?decided=correction`);

  // The litigant sees every item and corrects.
  await page.goto(`/cases/${caseId}`);
  await expect(page.getByTestId('filing-decision')).toContainText('证据照片不清楚');
  await expect(page.getByTestId('filing-decision')).toContainText('被告的准确名称');
  await page.getByTestId('go-correct').click();
  await expect(page.getByTestId('correction-box')).toBeVisible();
  await page.goto(`/filings/${filing}/parties`);
  await page.locator('input[name="defendants.0.phone"]').fill('13800000002');
  await page.locator('input[name="defendants.0.address"]').fill('湖南省浏阳市淮川街道2号3栋101');
  await next(page, 'claims');
  await page.goto(`/filings/${filing}/review`);
  await page.getByTestId('submit-filing').click();
  await page.waitForURL(`**/cases/${caseId}?filed=1`);

  // Docketed: the next number, and the notices.
  await clerk.goto(`/staff/filings/${caseId}`);
  await clerk.getByTestId('docket').click();
  await clerk.waitForURL(`**/staff/filings/${caseId}?decided=docket`);
  const number = await clerk.getByTestId('review-case-number').innerText();
  expect(number).toMatch(/^（20\d\d）湘0181民初\d+号$/);
  await clerkContext.close();

  await page.goto(`/cases/${caseId}`);
  await expect(page.getByTestId('case-number')).toHaveText(number);
  await page.getByTestId('acceptance-notice').locator('summary').click();
  await expect(page.getByTestId('acceptance-notice')).toContainText(number);
  await expect(page.getByTestId('acceptance-notice').getByTestId('query-code')).toHaveText(/^[2-9A-Z]{8}$/);
  await expect(page.getByTestId('fee-notice')).toContainText('1,050.00');
  await expect(page.getByTestId('go-case-fees')).toContainText('1,050.00');
  await shot(page, 'filing-06-docketed');
  const sms = await (await page.request.post('/sf/dev_inbox', { headers: { Accept: 'application/json' } })).json();
  expect(sms.some((m: { to: string; body: string }) => m.to === ZHANG && m.body.includes(number))).toBe(true);
});

// A filing handed in at the Tianxin court for the Liuyang court: Tianxin's clerk checks and
// forwards it, Liuyang's clerk dockets it, and all three see one status.
test('a cross-region filing is forwarded and docketed', async ({ page, browser }) => {
  await useSession(page.context(), ZHANG);
  const me = await (await page.request.post('/sf/whoami', { headers: { Accept: 'application/json' } })).json();
  expect(me.name).toBe('张三');
  expect((await page.request.get('/api/v1/filings/0')).status()).toBe(404);
  // Written through the API (the screens were tested above), with one evidence file.
  const created = await page.request.post('/api/v1/filings', {
    data: {
      draft: {
        cause: 'property_service',
        court_code: '湘0181',
        receiving_court_code: '湘0103',
        defendants: [{ kind: 'person', name: '赵六', address: '浏阳市荷花街道' }],
        claims: [{ text: '判令被告支付物业费', amount_yuan: '3600' }],
        facts: '被告两年未交物业费。',
        service: { consent: true, sms_phone: ZHANG },
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const doc = await created.json();
  const filing = doc.id;
  // The plaintiff (the signed-in person) was filled in by the server; complete the address.
  const page1 = await page.request.post('/sf/filing', { form: { id: String(filing) }, headers: { Accept: 'application/json' } });
  const draft = (await page1.json()).draft;
  expect(draft.plaintiffs[0].name).toBe('张三');
  draft.plaintiffs[0].address = '湖南省浏阳市集里街道1号';
  const sha = createHash('sha256').update(PNG).digest('hex');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const upload = await page.request.post('/api/v1/uploads', {
    headers: {
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(PNG.length),
      'Upload-Metadata': `filename ${b64('缴费通知.png')},filing ${b64(String(filing))},sha256 ${b64(sha)}`,
    },
  });
  expect(upload.status()).toBe(201);
  const url = upload.headers()['location'];
  const patched = await page.request.patch(url, {
    headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    data: PNG,
  });
  expect(patched.status()).toBe(204);
  draft.evidence = [{ upload_id: url.split('/').pop(), title: '物业费催缴通知' }];
  const filed = await page.request.put(`/api/v1/filings/${filing}`, { data: { version: doc.version, draft, submit: true } });
  expect(filed.status(), await filed.text()).toBe(200);
  const caseId = (await filed.json()).case_id;
  await page.goto(`/cases/${caseId}`);
  await expect(page.getByTestId('stage')).toContainText('提交立案申请');

  const [tianxinContext, tianxin] = await staffPage(browser, OTHER_COURT_CLERK);
  await tianxin.goto('/staff/filings');
  await expect(tianxin.locator(`a[href="/staff/filings/${caseId}"]`)).toContainText('跨域');
  await tianxin.goto(`/staff/filings/${caseId}`);
  await expect(tianxin.getByTestId('docket-form')).toHaveCount(0);
  await tianxin.getByTestId('forward-form').locator('textarea').fill('已核对身份证原件。');
  await tianxin.getByTestId('forward').click();
  await tianxin.waitForURL(`**/staff/filings/${caseId}?decided=forward`);
  await shot(tianxin, 'filing-07-forwarded');

  const [liuyangContext, liuyang] = await staffPage(browser, CLERK);
  await liuyang.goto(`/staff/filings/${caseId}`);
  await liuyang.getByTestId('docket').click();
  await liuyang.waitForURL(`**/staff/filings/${caseId}?decided=docket`);
  const number = await liuyang.getByTestId('review-case-number').innerText();
  await liuyangContext.close();

  await tianxin.goto(`/staff/filings/${caseId}`);
  await expect(tianxin.getByTestId('review-case-number')).toHaveText(number);
  await expect(tianxin.getByTestId('decision')).toHaveCount(2);
  await tianxinContext.close();
  await page.goto(`/cases/${caseId}`);
  await expect(page.getByTestId('case-number')).toHaveText(number);
});

// What is typed survives a reload (kept on the phone until saved), and when the connection
// drops and comes back, the screen saves itself.
test('typed text survives a reload and is saved when the phone is back online', async ({ page }) => {
  await useSession(page.context(), '13800000003');
  await page.goto('/filings');
  await page.getByTestId('new-filing').click();
  await page.waitForURL(/\/filings\/\d+\/court/);
  const id = page.url().match(/\/filings\/(\d+)\//)![1];
  await page.goto(`/filings/${id}/claims`);
  await hydrated(page);
  const facts = page.locator('[name="facts"]');
  await facts.fill('对方借了钱');
  await page.reload();
  await hydrated(page);
  await expect(facts).toHaveValue('对方借了钱');

  await page.context().setOffline(true);
  await facts.fill('对方借了钱一直不还，多次催要无果。');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/filings/${id}/save`) && r.request().method() === 'POST');
  await page.context().setOffline(false);
  await saved;
  await page.waitForURL(`**/filings/${id}/claims`);
  const draft = (await (await page.request.post('/sf/filing', { form: { id }, headers: { Accept: 'application/json' } })).json()).draft;
  expect(draft.facts).toBe('对方借了钱一直不还，多次催要无果。');
});
