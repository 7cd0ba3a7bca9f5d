import { test, expect } from '@playwright/test';
import { shot, useStaffSession } from './helpers';

// 吴调解员 of the demo court (周调解员's profile is left as seeded).
const MEDIATOR = '13900000005';

// The roster of mediators (在线调解规则 art. 5) is public and reads on a 360 px phone, in elder
// mode too; a mediator keeps their own profile with a plain form, and a wrong one keeps what
// was typed.
test('the mediator roster: public on a small screen; a mediator edits their own profile', async ({ browser }) => {
  const noJs = { javaScriptEnabled: false, viewport: { width: 360, height: 740 } };
  const [anyone, m] = await Promise.all([browser.newContext(noJs), browser.newContext(noJs)]);
  const page = await anyone.newPage();
  await page.goto('/mediators');
  await expect(page.getByTestId('roster-court').first()).toContainText('浏阳市人民法院');
  const zhou = page.getByTestId('mediator').filter({ hasText: '周调解员' });
  await expect(zhou).toContainText('退休法官');
  await expect(zhou.getByTestId('mediator-fee')).toHaveText('不收费');
  await expect(zhou.getByTestId('mediator-counts')).toContainText('主持调解');
  await page.getByTestId('switch-elder').click();
  await expect(page.locator('body')).toHaveClass(/elder/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'mediators-01-roster-elder-360');
  await page.getByTestId('switch-elder').click();

  await useStaffSession(m, MEDIATOR);
  const mp = await m.newPage();
  await mp.goto('/staff/mediations');
  await mp.getByTestId('my-profile-link').click();
  await expect(mp.locator('#background')).toHaveValue(/人民调解员/);
  // A field left empty: refused, with the rest as typed.
  await mp.locator('#background').fill('');
  await mp.locator('#specialities').fill('买卖合同、民间借贷、劳务报酬、农村土地承包');
  await mp.getByTestId('profile-submit').click();
  await expect(mp.getByTestId('form-error')).toContainText('都要填写');
  await expect(mp.locator('#specialities')).toHaveValue('买卖合同、民间借贷、劳务报酬、农村土地承包');
  await mp.locator('#background').fill('人民调解员，镇司法所工作15年');
  await mp.getByTestId('profile-submit').click();
  await expect(mp.getByTestId('profile-saved')).toBeVisible();
  await page.goto('/mediators');
  await expect(page.getByTestId('mediator').filter({ hasText: '吴调解员' })).toContainText('农村土地承包');
  await Promise.all([anyone.close(), m.close()]);
});
