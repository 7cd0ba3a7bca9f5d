import { test, expect } from '@playwright/test';
import { hydrated, shot, useStaffSession } from './helpers';

const JUDGE = '13900000002';

// 程序转换 on the phone: the judge turns the demo's paid simplified-procedure divorce case into
// ordinary procedure; the other half of the fee is asked for with a new 7-day deadline
// (诉讼费用交纳办法 arts. 16, 22) and the trial limit follows the new procedure.
test('the judge changes a case to ordinary procedure and the fee follows', async ({ page }) => {
  await useStaffSession(page.context(), JUDGE);
  const cases = await (await page.request.get('/api/v1/cases')).json();
  let id = 0;
  for (const c of cases) {
    if (!String(c.cause).includes('离婚')) continue;
    const p = await (await page.request.get(`/api/v1/cases/${c.id}/progress`)).json();
    if (p.procedure_targets.some((t: string[]) => t[0] === 'ordinary')) id = c.id;
  }
  expect(id, 'the demo divorce case under simplified procedure').toBeGreaterThan(0);
  const before = await (await page.request.get(`/api/v1/cases/${id}/fees`)).json();

  await page.goto(`/cases/${id}`);
  await hydrated(page);
  await expect(page.getByTestId('procedure')).toHaveText('简易程序');
  const form = page.getByTestId('procedure-form');
  await form.getByTestId('procedure-to').selectOption('ordinary');
  await shot(page, 'procedure-01-form');
  await form.getByTestId('procedure-reason').fill('财产分割复杂，需要合议庭审理');
  await form.getByTestId('procedure-submit').click();
  await page.waitForURL(`**/cases/${id}?procedure=changed`);
  await expect(page.getByTestId('case-note')).toContainText('程序已转换');
  await expect(page.getByTestId('procedure')).toHaveText('普通程序');
  await expect(page.getByTestId('procedure-changes')).toContainText('简易程序 → 普通程序');
  await expect(page.getByTestId('procedure-changes')).toContainText('民事诉讼法 第170条');
  await expect(page.getByTestId('procedure-changes')).toContainText('补交受理费');
  // Ordinary procedure cannot go back to simplified without the parties: the form offers it,
  // and the server refuses without their agreement.
  await page.getByTestId('procedure-to').selectOption('simplified');
  await page.getByTestId('procedure-reason').fill('双方同意');
  await page.getByTestId('procedure-submit').click();
  await page.waitForURL(`**/cases/${id}?error=conv_needs_agreement`);
  await expect(page.getByTestId('case-note')).toContainText('需要双方当事人同意');
  await shot(page, 'procedure-02-changed');

  const after = await (await page.request.get(`/api/v1/cases/${id}/fees`)).json();
  expect(after.charged_fen).toBeGreaterThan(before.charged_fen);
  expect(after.due_fen).toBe(after.charged_fen - before.charged_fen);
  const p = await (await page.request.get(`/api/v1/cases/${id}/progress`)).json();
  const fee = p.timeline.find((n: { stage: string }) => n.stage === 'fee_prepay');
  expect(fee.deadline.source).toBe('诉讼费用交纳办法 第22条');
  const limit = p.timeline.find((n: { stage: string }) => n.stage === 'closed');
  expect(limit.deadline.source).toBe('民事诉讼法 第152条');
});
