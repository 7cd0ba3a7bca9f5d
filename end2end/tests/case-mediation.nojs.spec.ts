import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { codeBy, useSession, useStaffSession } from './helpers';

// 王五 sues 李四 under the simplified procedure; 陈法官 mediates.
const PLAINTIFF = '13800000003';
const DEFENDANT = '13800000002';
const JUDGE = '13900000002';

/** 王五's docketed, open simplified case against 李四 with no mediation yet. */
async function openSimplifiedCase(request: APIRequestContext): Promise<number> {
  const cases = await (await request.get('/api/v1/cases')).json();
  for (const c of cases) {
    const p = await (await request.get(`/api/v1/cases/${c.id}/progress`)).json();
    const names = p.parties.map((x: { name: string }) => x.name);
    if (!p.case_number || p.outcome || p.mediation || !p.procedure.includes('简易')) continue;
    if (names[0] === '王五' && names.includes('李四')) return c.id;
  }
  throw new Error('no open simplified demo case of 王五 against 李四');
}

/** Signs the agreement by the code and the confirmation alone (no drawing pad without script). */
async function signByCode(page: Page, phone: string, effective = false) {
  const code = await codeBy(page, 'sign-code', phone);
  await page.locator('#sign-code-input').fill(code);
  await page.getByTestId('confirm-sign').check();
  await page.getByTestId('sign-submit').click();
  await page.waitForURL(effective ? /effective=1/ : /signed=1/);
}

// Without JavaScript every step of mediation in a case is a plain form: the judge opens it,
// both agree, the period is extended with both parties' agreement, all sign by code, the judge issues the 调解书, 王五 signs for it — and 李四, who
// has not yet, backs out: the mediation ends and the trial goes on (CPL art. 102).
test('mediation in a case without JavaScript: signed for by one, backed out of by the other', async ({ browser }) => {
  test.setTimeout(180_000);
  const noJs = { javaScriptEnabled: false, viewport: { width: 360, height: 740 } };
  const [a, b, j] = await Promise.all([browser.newContext(noJs), browser.newContext(noJs), browser.newContext(noJs)]);
  await useSession(a, PLAINTIFF);
  await useSession(b, DEFENDANT);
  await useStaffSession(j, JUDGE);
  const [ap, bp, jp] = await Promise.all([a.newPage(), b.newPage(), j.newPage()]);
  const caseId = await openSimplifiedCase(a.request);

  await jp.goto(`/cases/${caseId}`);
  await jp.getByTestId('start-mediation-submit').click();
  await jp.waitForURL(/\/mediations\/\d+\?started=1/);
  const id = jp.url().match(/\/mediations\/(\d+)/)![1];
  for (const page of [ap, bp]) {
    await page.goto(`/mediations/${id}`);
    await page.locator('#answer').getByTestId('warned').check();
    await page.getByTestId('consent').click();
    await page.waitForURL(/answered=1/);
  }
  // Simplified procedure: 7 days (在线调解规则 art. 24).
  await expect(bp.getByTestId('mediation-deadline')).toContainText('简易程序7日');

  // The judge proposes 3 more days; the period is longer once both have agreed (art. 24).
  await jp.goto(`/mediations/${id}`);
  await jp.locator('#extension summary').click();
  await jp.locator('#extension-days').fill('3');
  await jp.locator('#extension-reason').fill('被告要和家人商量还款安排');
  await jp.getByTestId('propose-extension-submit').click();
  await jp.waitForURL(/proposed=1/);
  await ap.goto(`/mediations/${id}`);
  await expect(ap.getByTestId('extension')).toContainText('延长3日');
  await ap.getByTestId('extension-agree').click();
  await ap.waitForURL(/answered=1/);
  await bp.goto(`/mediations/${id}`);
  await bp.getByTestId('extension-agree').click();
  await bp.waitForURL(/extended=1/);
  await expect(bp.getByTestId('mediation-deadline')).toContainText('各方同意延长3日');

  // A video session in 5 minutes on the court's meeting service (OMR art. 16): the parties
  // are texted and see the room's button, as it opens 15 minutes before.
  const [day, time] = new Date(Date.now() + 5 * 60_000)
    .toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' })
    .split(' ');
  await jp.goto(`/mediations/${id}`);
  await jp.locator('#session-date').fill(day);
  await jp.locator('#session-time').fill(time.slice(0, 5));
  await jp.locator('#session-link').fill('https://evil.example.cn/j/1');
  await jp.getByTestId('schedule-session').click();
  await expect(jp.getByTestId('form-error')).toContainText('会议链接');
  await expect(jp.locator('#session-link')).toHaveValue('https://evil.example.cn/j/1');
  await jp.locator('#session-link').fill('https://meet.liuyang-court.example/j/5501');
  await jp.getByTestId('schedule-session').click();
  await jp.waitForURL(/scheduled=1/);
  await bp.goto(`/mediations/${id}`);
  await expect(bp.getByTestId('join-session')).toHaveAttribute('href', 'https://meet.liuyang-court.example/j/5501');

  await jp.goto(`/mediations/${id}`);
  await jp.getByTestId('agreement-text').fill('李四于2027年2月28日前支付王五货款6000元。');
  await jp.getByTestId('save-version').click();
  await jp.waitForURL(/version=1/);
  await ap.goto(`/mediations/${id}`);
  await signByCode(ap, PLAINTIFF);
  await bp.goto(`/mediations/${id}`);
  await signByCode(bp, DEFENDANT);
  await jp.goto(`/mediations/${id}`);
  await signByCode(jp, JUDGE, true);
  await jp.getByTestId('issue-statement-submit').click();
  await jp.waitForURL(/issued=1/);

  // 王五 signs for the 调解书 by code and confirmation.
  await ap.goto(`/mediations/${id}`);
  const code = await codeBy(ap, 'receive-code', PLAINTIFF);
  await ap.locator('#receive-code-input').fill(code);
  await ap.getByTestId('confirm-receive').check();
  await ap.getByTestId('receive-submit').click();
  await ap.waitForURL(/received=1/);
  await expect(ap.getByTestId('receipts')).toContainText('已签收');
  const overflow = await ap.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // 李四 backs out before his own 签收: a reason is needed; then the trial goes on.
  await bp.goto(`/mediations/${id}`);
  await bp.locator('#back-out summary').click();
  await bp.getByTestId('back-out').click();
  await expect(bp.getByTestId('form-error')).toContainText('原因');
  await bp.locator('#back-out summary').click();
  await bp.locator('#back-out-reason').fill('付款期限太短，做不到');
  await bp.getByTestId('back-out').click();
  await bp.waitForURL(/backed_out=1/);
  await expect(bp.getByTestId('mediation-state')).toContainText('调解已结束');
  await expect(bp.getByTestId('mediation-events')).toContainText('继续审理');

  // The case stays open; its judge may close it or mediate again.
  await jp.goto(`/cases/${caseId}`);
  await expect(jp.getByTestId('case-mediation-state')).toContainText('调解已结束');
  await expect(jp.getByTestId('close-case')).toBeVisible();
  await expect(jp.getByTestId('start-mediation')).toBeVisible();
  await Promise.all([a.close(), b.close(), j.close()]);
});
