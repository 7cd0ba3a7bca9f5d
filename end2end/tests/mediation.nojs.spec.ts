import { test, expect } from '@playwright/test';
import { codeBy, newPerson, useSession, useStaffSession } from './helpers';

// 王五 of the demo court; the other side is someone new to the court.
const APPLICANT = '13800000003';
const RESPONDENT = '13800000204';
// The court's second mediator: 周调解员 (13900000003) signs in in sign-in.nojs.spec.ts.
const MEDIATOR = '13900000005';

// Without JavaScript every step is a plain form: the request, the answer, the draft, and a
// signature made by the SMS code and the explicit confirmation alone (the drawing pad needs
// script; the page says so). A refusal to sign ends it and offers filing.
test('mediation without JavaScript: signed by code, then declined', async ({ browser }) => {
  test.setTimeout(120_000);
  const noJs = { javaScriptEnabled: false, viewport: { width: 360, height: 740 } };
  const [a, b, m] = await Promise.all([browser.newContext(noJs), browser.newContext(noJs), browser.newContext(noJs)]);
  await useSession(a, APPLICANT);
  await newPerson(b, RESPONDENT, '周建国', '43018119580911005');
  await useStaffSession(m, MEDIATOR);
  const [ap, bp, mp] = await Promise.all([a.newPage(), b.newPage(), m.newPage()]);

  await ap.goto('/mediations/new');
  // 王五 chooses 吴调解员 from the roster (在线调解规则 art. 10).
  const wu = await ap.locator('#mediator option', { hasText: '吴调解员' }).getAttribute('value');
  await ap.locator('#mediator').selectOption(wu!);
  await ap.locator('#cause').selectOption({ label: '买卖合同纠纷' });
  await ap.locator('#respondent_name').fill('周建国');
  await ap.locator('#respondent_phone').fill(RESPONDENT);
  await ap.locator('#summary').fill('去年卖给周建国一批化肥，货款8000元一直没有付。');
  await ap.locator('#address').fill('湖南省浏阳市沙市镇3号');
  await ap.getByTestId('warned').check();
  await ap.getByTestId('mediation-submit').click();
  await ap.waitForURL(/\/mediations\/\d+\?requested=1/);
  const id = ap.url().match(/\/mediations\/(\d+)/)![1];
  await expect(ap.getByTestId('chosen-mediator')).toContainText('吴调解员');

  await mp.goto(`/mediations/${id}`);
  await mp.getByTestId('accept').click();
  await mp.waitForURL(/accepted=1/);
  await bp.goto(`/mediations/${id}`);
  await bp.locator('#answer #address').fill('湖南省浏阳市沙市镇5号');
  await bp.locator('#answer').getByTestId('warned').check();
  await bp.getByTestId('consent').click();
  await bp.waitForURL(/answered=1/);
  await mp.goto(`/mediations/${id}`);
  await mp.getByTestId('agreement-text').fill('周建国于2027年1月31日前向王五支付货款8000元。');
  await mp.getByTestId('save-version').click();
  await mp.waitForURL(/version=1/);

  // Signed by the code and the confirmation: no drawing pad without script.
  await ap.goto(`/mediations/${id}`);
  // One signing code a minute per number: 王五 may just have had one (case-mediation.nojs).
  const code = await codeBy(ap, 'sign-code', APPLICANT);
  await expect(ap.getByTestId('signature-pad')).toContainText('输入验证码并确认也可以签名');
  await ap.locator('#sign-code-input').fill(code);
  await ap.getByTestId('confirm-sign').check();
  await ap.getByTestId('sign-submit').click();
  await ap.waitForURL(/signed=1/);
  await expect(ap.getByTestId('ledger')).toContainText('短信验证码');
  const overflow = await ap.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The other side refuses to sign: ended under art. 25(7); the applicant may file instead.
  await bp.goto(`/mediations/${id}`);
  await bp.locator('#decline summary').click();
  await bp.locator('#reason').fill('货有质量问题，金额不对');
  await bp.getByTestId('decline').click();
  await bp.waitForURL(/declined=1/);
  await ap.goto(`/mediations/${id}`);
  await expect(ap.getByTestId('ended')).toContainText('第7项');
  await expect(ap.getByTestId('ended').getByTestId('go-file')).toBeVisible();
  await Promise.all([a.close(), b.close(), m.close()]);
});
