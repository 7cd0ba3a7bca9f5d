import { promises as fs } from 'node:fs';
import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { codeBy, drawSignature, hydrated, newestSms, useSession, useStaffSession, shot } from './helpers';

// 张三 sues 李四 in the demo court; 陈法官 is the judge of every docketed demo case.
const PLAINTIFF = '13800000001';
const DEFENDANT = '13800000002';
const JUDGE = '13900000002';
/** 张三's docketed, open case against 李四 under the ordinary procedure, its fee paid: closed
 * by mediation, the fee halves (诉讼费用交纳办法 art. 15; a simplified case pays half already). */
async function openPaidCase(request: APIRequestContext): Promise<number> {
  const cases = await (await request.get('/api/v1/cases')).json();
  for (const c of cases) {
    const p = await (await request.get(`/api/v1/cases/${c.id}/progress`)).json();
    const names = p.parties.map((x: { name: string }) => x.name);
    if (!p.case_number || p.outcome || p.mediation || !p.procedure.includes('普通')) continue;
    if (names[0] !== '张三' || !names.includes('李四')) continue;
    const fees = await (await request.get(`/api/v1/cases/${c.id}/fees`)).json();
    if (fees.paid_fen > 0 && fees.due_fen === 0) return c.id;
  }
  throw new Error('no open, paid ordinary demo case of 张三 against 李四');
}

async function signHere(page: Page, phone: string, expectEffective = false) {
  const code = await codeBy(page, 'sign-code', phone);
  await hydrated(page);
  await page.locator('#sign-code-input').fill(code);
  await drawSignature(page);
  await page.getByTestId('confirm-sign').check();
  await page.getByTestId('sign-submit').click();
  await page.waitForURL(expectEffective ? /effective=1/ : /signed=1/);
}

async function receiveHere(page: Page, phone: string, last = false) {
  const code = await codeBy(page, 'receive-code', phone);
  await page.locator('#receive-code-input').fill(code);
  await page.getByTestId('confirm-receive').check();
  await page.getByTestId('receive-submit').click();
  await page.waitForURL(last ? /concluded=1/ : /received=1/);
}

// 诉中调解 on phones: the judge opens mediation in a docketed case, both parties agree, the
// judge drafts and everyone signs, the judge issues the 调解书, each party signs for it after
// an identity check, and the last 签收 closes the case by mediation with half the fee refunded.
test('a docketed case is mediated, the statement signed for by both, closed with the half-fee refund', async ({ browser }) => {
  test.setTimeout(240_000);
  const [a, b, j] = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  await useSession(a, PLAINTIFF);
  await useSession(b, DEFENDANT);
  await useStaffSession(j, JUDGE);
  const ap = await a.newPage();
  const bp = await b.newPage();
  const jp = await j.newPage();
  const caseId = await openPaidCase(a.request);

  // The judge opens it from the case page; the parties are texted.
  await jp.goto(`/cases/${caseId}`);
  await jp.getByTestId('start-mediation-submit').click();
  await jp.waitForURL(/\/mediations\/\d+\?started=1/);
  const id = jp.url().match(/\/mediations\/(\d+)/)![1];
  await expect(jp.getByTestId('mediation-state')).toContainText('等待');
  expect(await newestSms(b, DEFENDANT)).toContain('组织调解');
  await shot(jp, 'case-mediation-01-started');

  // Each party finds it on the case page and agrees (the sham-mediation warning first).
  for (const page of [ap, bp]) {
    await page.goto(`/cases/${caseId}`);
    await page.getByTestId('case-mediation-link').click();
    await page.waitForURL(`**/mediations/${id}`);
    await page.getByTestId('consent').click();
    await expect(page.getByTestId('form-error')).toContainText('虚假调解');
    await page.locator('#answer').getByTestId('warned').check();
    await page.getByTestId('consent').click();
    await page.waitForURL(/answered=1/);
  }
  await expect(bp.getByTestId('mediation-state')).toContainText('调解中');
  await expect(bp.getByTestId('mediation-deadline')).toContainText('调解期限');

  // The judge drafts; everyone signs (the judge last).
  await jp.goto(`/mediations/${id}`);
  await jp.getByTestId('agreement-text').fill('李四于2027年3月31日前支付王五货款20000元。\n王五放弃其余诉讼请求。');
  await jp.getByTestId('save-version').click();
  await jp.waitForURL(/version=1/);
  await ap.goto(`/mediations/${id}`);
  await signHere(ap, PLAINTIFF);
  await bp.goto(`/mediations/${id}`);
  await signHere(bp, DEFENDANT);
  await jp.goto(`/mediations/${id}`);
  await signHere(jp, JUDGE, true);
  await expect(jp.getByTestId('effective')).toContainText('调解书');

  // The judge issues the 调解书; each party reads it and signs for it after a fresh code.
  await jp.getByTestId('issue-statement-submit').click();
  await jp.waitForURL(/issued=1/);
  expect(await newestSms(a, PLAINTIFF)).toContain('签收');
  await ap.goto(`/mediations/${id}`);
  await expect(ap.getByTestId('mediation-state')).toContainText('等待签收');
  const pdf = await a.request.get((await ap.getByTestId('statement-pdf').getAttribute('href'))!);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  // Ticking nothing is refused, and the code form stays.
  const code = await codeBy(ap, 'receive-code', PLAINTIFF);
  await ap.locator('#receive-code-input').fill(code);
  await ap.getByTestId('receive-submit').click();
  await expect(ap.getByTestId('form-error')).toContainText('确认签收');
  await ap.locator('#receive-code-input').fill(code);
  await ap.getByTestId('confirm-receive').check();
  await shot(ap, 'case-mediation-02-receive');
  await ap.getByTestId('receive-submit').click();
  await ap.waitForURL(/received=1/);
  await expect(ap.getByTestId('receipts')).toContainText('已签收');
  await expect(ap.getByTestId('receipts')).toContainText('尚未签收');
  await expect(ap.locator('#back-out')).toHaveCount(0);

  await bp.goto(`/mediations/${id}`);
  await receiveHere(bp, DEFENDANT, true);
  await expect(bp.getByTestId('statement-in-force')).toContainText('调解结案');
  await expect(bp.getByTestId('mediation-state')).toContainText('调解结案');
  await shot(bp, 'case-mediation-03-in-force');
  // Each 签收 is in the court's service log: its receipt downloads as a file that checks.
  await expect(bp.getByTestId('receive-receipt')).toHaveCount(2);
  const [download] = await Promise.all([
    bp.waitForEvent('download'),
    bp.getByTestId('receive-receipt').last().click(),
  ]);
  const receipt = JSON.parse(await fs.readFile((await download.path())!, 'utf8'));
  expect(receipt.format).toBe('pocket-court mediation receipt v1');
  const act = JSON.parse(Buffer.from(receipt.act.entry, 'hex').toString('utf8'));
  expect(act.act).toBe('signed_for');
  expect(act.document).toBe('民事调解书');
  await expect(bp.getByTestId('signature-receipt')).toHaveCount(3);

  // The case is closed by mediation and half the fee goes back to 张三.
  await ap.goto(`/cases/${caseId}`);
  await expect(ap.getByTestId('outcome')).toContainText('调解');
  // Half the fee goes back (a counter payment waits for the clerk's transfer; an online one
  // may be back already): the refund is on the fee account with its article.
  const fees = await (await a.request.get(`/api/v1/cases/${caseId}/fees`)).json();
  expect(fees.reduced_fen).toBeGreaterThan(0);
  expect(fees.refunds.length).toBeGreaterThan(0);
  expect(fees.refunds[0].reason).toContain('第15条');
  await expect(ap.getByTestId('case-mediation-state')).toContainText('调解书已生效');
  await shot(ap, 'case-mediation-04-closed');

  // 360 px wide, in elder mode: nothing runs off the screen.
  await bp.setViewportSize({ width: 360, height: 740 });
  await bp.goto(`/mediations/${id}`);
  await bp.getByTestId('switch-elder').click();
  await bp.waitForLoadState();
  const overflow = await bp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(bp, 'case-mediation-05-elder-360');
  await bp.getByTestId('switch-elder').click();
  await Promise.all([a.close(), b.close(), j.close()]);
});
