import { test, expect } from '@playwright/test';
import { shot, useSession } from './helpers';

// Every screen of the guided filing is a plain form saved on the server: with JavaScript off
// the litigant fills it in, sees the server's messages next to the fields, and comes back to
// it later (or on another phone) with nothing lost.
test('the guided filing works as plain forms without JavaScript', async ({ page, browser }) => {
  await useSession(page.context(), '13800000003');
  await page.goto('/filings');
  await page.getByTestId('new-filing').click();
  await page.waitForURL(/\/filings\/\d+\/court/);
  const url = page.url();
  const id = url.match(/\/filings\/(\d+)\//)![1];
  await page.getByText('劳动争议', { exact: true }).click();
  await page.getByTestId('next').click();
  await page.waitForURL(`**/filings/${id}/parties`);
  await page.getByTestId('add-defendant').click();
  await page.waitForURL(`**/filings/${id}/parties#last`);
  await page.locator('input[name="defendants.0.name"]').fill('某某物流有限公司');
  await page.locator('input[name="defendants.0.id_number"]').fill('12345');
  await page.getByTestId('next').click();
  await page.waitForURL(`**/filings/${id}/claims`);
  // Back on the parties screen (as after a reload): what was typed is there, and the
  // server's message says what is wrong with the ID.
  await page.goto(`/filings/${id}/parties?check=1`);
  await expect(page.locator('input[name="defendants.0.name"]')).toHaveValue('某某物流有限公司');
  await expect(page.locator('[id="defendants.0.id_number-error"]')).toContainText('18');
  await shot(page, 'filing-nojs-parties');
  // The review screen lists everything still missing, each with a link to its screen, and
  // the file button stays off.
  await page.goto(`/filings/${id}/review`);
  await expect(page.getByTestId('problems')).toContainText('诉讼请求');
  await expect(page.getByTestId('problems')).toContainText('证据');
  await expect(page.getByTestId('submit-filing')).toBeDisabled();
  // Another phone (a new browser, same person) resumes the same draft.
  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL, javaScriptEnabled: false });
  await other.addCookies(await page.context().cookies());
  const phone2 = await other.newPage();
  await phone2.goto('/filings');
  await expect(phone2.getByTestId('draft-list')).toContainText('劳动争议');
  await other.close();
});
