import { promises as fs } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { codeBy, drawSignature, hydrated, newestSms, useSession, useStaffSession, shot } from './helpers';

// 张三 and 李四 of the demo court (their sessions are shared with other specs; signing codes
// have a one-a-minute limit of their own, apart from sign-in codes).
const APPLICANT = '13800000001';
const RESPONDENT = '13800000002';
// The court's second mediator: 周调解员 (13900000003) signs in in sign-in.nojs.spec.ts.
const MEDIATOR = '13900000005';
// 陈法官 rules on the judicial confirmation.
const JUDGE = '13900000002';

async function signHere(page: Page, phone: string, expectEffective = false) {
  const code = await codeBy(page, 'sign-code', phone, '签名验证码');
  await hydrated(page);
  await page.locator('#sign-code-input').fill(code);
  await drawSignature(page);
  await page.getByTestId('confirm-sign').check();
  await page.getByTestId('sign-submit').click();
  await page.waitForURL(expectEffective ? /effective=1/ : /signed=1/);
}

// 诉前调解 on phones: the applicant asks, the mediator accepts, the other side agrees, the
// mediator drafts, the applicant signs, the mediator edits (the signature is voided and the
// signer told), everyone signs, and the agreement takes effect with the 30-day window for
// judicial confirmation, applied for jointly and ruled on by the judge.
test('mediation asked for, agreed, signed by finger, re-signed after an edit, in force, confirmed', async ({ browser }) => {
  test.setTimeout(240_000);
  const [a, b, m] = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  await useSession(a, APPLICANT);
  await useSession(b, RESPONDENT);
  await useStaffSession(m, MEDIATOR);
  const ap = await a.newPage();
  const bp = await b.newPage();
  const mp = await m.newPage();

  // The request; a missing acknowledgement comes back with everything typed still there.
  await ap.goto('/mediations');
  await ap.getByTestId('new-mediation').click();
  await ap.waitForURL('**/mediations/new');
  await ap.locator('#cause').selectOption({ label: '民间借贷纠纷' });
  await ap.locator('#respondent_name').fill('李四');
  await ap.locator('#respondent_phone').fill(RESPONDENT);
  await ap.locator('#summary').fill('2025年5月借给李四3万元，说好年底还，到现在没还。');
  await ap.locator('#address').fill('湖南省浏阳市关口街道8号');
  await ap.getByTestId('mediation-submit').click();
  await expect(ap.getByTestId('form-error')).toContainText('虚假调解');
  await expect(ap.locator('#summary')).toHaveValue('2025年5月借给李四3万元，说好年底还，到现在没还。');
  await expect(ap.locator('#respondent_phone')).toHaveValue(RESPONDENT);
  await ap.getByTestId('warned').check();
  await ap.getByTestId('mediation-submit').click();
  await ap.waitForURL(/\/mediations\/\d+\?requested=1/);
  const id = ap.url().match(/\/mediations\/(\d+)/)![1];
  await expect(ap.getByTestId('mediation-number')).toContainText('民诉前调');
  await expect(ap.getByTestId('mediation-state')).toContainText('等待法院安排调解员');
  await shot(ap, 'mediation-01-requested');

  // The mediator's workbench: accept.
  await mp.goto('/staff/mediations');
  await mp.locator(`a[href="/mediations/${id}"]`).click();
  await mp.getByTestId('accept').click();
  await mp.waitForURL(/accepted=1/);
  expect(await newestSms(m, RESPONDENT)).toContain('张三申请与您诉前调解');

  // The other side: the invitation waits in "调解"; agree, with the address and the warning.
  await bp.goto('/mediations');
  // (李四 may be in other mediations too: case-mediation.hydrated.spec.ts.)
  const item = bp.getByTestId('mediation-item').filter({ hasText: '民诉前调' });
  await expect(item).toContainText('请答复是否同意调解');
  await item.locator('a').click();
  await bp.locator('#answer #address').fill('湖南省浏阳市荷花街道9号');
  await bp.locator('#answer').getByTestId('warned').check();
  await bp.getByTestId('consent').click();
  await bp.waitForURL(/answered=1/);
  await expect(bp.getByTestId('mediation-state')).toContainText('调解中');

  // The mediator drafts version 1.
  await mp.goto(`/mediations/${id}`);
  await mp.getByTestId('agreement-text').fill('李四于2027年6月30日前向张三归还借款30000元。\n张三放弃利息。');
  await mp.getByTestId('save-version').click();
  await mp.waitForURL(/version=1/);

  // The applicant reads and signs; a blank box is refused and the code form stays.
  await ap.goto(`/mediations/${id}`);
  await expect(ap.getByTestId('clauses')).toContainText('归还借款30000元');
  const code = await codeBy(ap, 'sign-code', APPLICANT, '签名验证码');
  await hydrated(ap);
  await ap.locator('#sign-code-input').fill(code);
  await ap.getByTestId('confirm-sign').check();
  await ap.getByTestId('sign-submit').click();
  await expect(ap.getByTestId('form-error')).toContainText('签名框');
  expect(ap.url()).toContain('req=');
  await hydrated(ap);
  await ap.locator('#sign-code-input').fill(code);
  await drawSignature(ap);
  await ap.getByTestId('confirm-sign').check();
  await shot(ap, 'mediation-02-signing');
  await ap.getByTestId('sign-submit').click();
  await ap.waitForURL(/signed=1/);
  await expect(ap.getByTestId('signers')).toContainText('已签名');

  // The mediator changes the amount: the applicant's signature is void, and she is told.
  await mp.goto(`/mediations/${id}`);
  await mp.getByTestId('agreement-text').fill('李四于2027年6月30日前向张三归还借款28000元。\n张三放弃利息。');
  await mp.getByTestId('save-version').click();
  await mp.waitForURL(/version=2/);
  expect(await newestSms(a, APPLICANT)).toContain('签名已作废');
  await ap.goto(`/mediations/${id}`);
  await expect(ap.getByTestId('signature-voided')).toBeVisible();
  await expect(ap.getByTestId('changes')).toContainText('28000');
  await expect(ap.getByTestId('changes')).toContainText('30000');
  await expect(ap.getByTestId('agreement-version')).toContainText('第2版');
  await shot(ap, 'mediation-03-changed');

  // The other side and the mediator sign version 2; the applicant signs last.
  await bp.goto(`/mediations/${id}`);
  await signHere(bp, RESPONDENT);
  await mp.goto(`/mediations/${id}`);
  await signHere(mp, MEDIATOR);
  await ap.goto(`/mediations/${id}`);
  await signHere(ap, APPLICANT, true);
  await expect(ap.getByTestId('effective')).toBeVisible();
  await expect(ap.getByTestId('confirmation-window')).toContainText('司法确认');
  await expect(ap.getByTestId('mediation-state')).toContainText('已生效');
  await shot(ap, 'mediation-04-effective');
  // The agreement in force as a PDF, with the drawn names in it.
  const agreement = await a.request.get((await ap.getByTestId('agreement-pdf').getAttribute('href'))!);
  expect(agreement.headers()['content-type']).toBe('application/pdf');
  expect((await agreement.body()).toString('latin1')).toContain('/SMask');
  await fs.mkdir('test-results/screens', { recursive: true });
  await fs.writeFile('test-results/screens/mediation-agreement.pdf', await agreement.body());

  // Everyone sees the ledger: four signatures, one void, the drawn ones as images.
  await bp.goto(`/mediations/${id}`);
  await expect(bp.getByTestId('ledger').locator('li')).toHaveCount(4);
  await expect(bp.getByTestId('ledger').locator('li.voided')).toHaveCount(1);
  const img = await bp.locator('.signature-image').first().getAttribute('src');
  expect((await b.request.get(img!)).headers()['content-type']).toBe('image/png');
  // Someone else's matter is "not found".
  const stranger = await browser.newContext();
  await useStaffSession(stranger, '13900000011');
  const sp = await stranger.newPage();
  const res = await sp.goto(`/mediations/${id}`);
  expect(res!.status()).toBe(404);

  // Judicial confirmation: the applicant applies, the other side joins (a 民特 case, no fee),
  // the judge reviews on the checklist and rules; both read the ruling as a PDF.
  await ap.goto(`/mediations/${id}`);
  await ap.getByTestId('apply-confirmation').click();
  await ap.waitForURL(/jc=applied/);
  await expect(ap.getByTestId('confirmation-state')).toContainText('等待对方');
  expect(await newestSms(b, RESPONDENT)).toContain('一起申请司法确认');
  await bp.goto(`/mediations/${id}`);
  await expect(bp.getByTestId('apply-confirmation')).toContainText('一起申请');
  await bp.getByTestId('apply-confirmation').click();
  await bp.waitForURL(/jc=docketed/);
  await expect(bp.getByTestId('confirmation-number')).toContainText('民特');
  await expect(bp.getByTestId('review-due')).toContainText('审查期限');
  const j = await browser.newContext();
  await useStaffSession(j, JUDGE);
  const jp = await j.newPage();
  await jp.goto('/staff/mediations');
  await jp.getByTestId('confirmation-queue').locator(`a[href="/mediations/${id}"]`).click();
  await jp.waitForURL(`**/mediations/${id}`);
  await jp.getByTestId('outcome-valid').check();
  await jp.getByTestId('ruling-submit').click();
  await expect(jp.getByTestId('form-error')).toContainText('逐项核对');
  await jp.getByTestId('ruling-checked').check();
  await jp.getByTestId('outcome-valid').check();
  await shot(jp, 'mediation-06-ruling-form');
  await jp.getByTestId('ruling-submit').click();
  await jp.waitForURL(/jc=ruled/);
  await ap.goto(`/mediations/${id}`);
  await expect(ap.getByTestId('ruling-outcome')).toContainText('有效');
  await expect(ap.getByTestId('confirmation-state')).toContainText('协议有效');
  expect(await newestSms(a, APPLICANT)).toContain('已作出裁定');
  const pdf = await a.request.get((await ap.getByTestId('ruling-pdf').getAttribute('href'))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await shot(ap, 'mediation-07-ruled');

  // 360 px wide, in elder mode: nothing runs off the screen.
  await ap.setViewportSize({ width: 360, height: 740 });
  await ap.goto(`/mediations/${id}`);
  await ap.getByTestId('switch-elder').click();
  await ap.waitForLoadState();
  const overflow = await ap.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(ap, 'mediation-05-elder-360');
  await Promise.all([a.close(), b.close(), m.close(), stranger.close(), j.close()]);
});
