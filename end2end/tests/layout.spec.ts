// Narrow screens (320 CSS px, i.e. 1280 px at 400 % zoom: WCAG 1.4.10 Reflow)
// and keyboard use.
import { type Page } from '@playwright/test';
import { demo, expect, expectNoAxeViolations, login, test } from './helpers';

async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `page width on ${page.url()} (viewport ${innerWidth}px)`).toBeLessThanOrEqual(innerWidth);
}

test.describe('at 320 px wide', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    await login(page, demo.ali.email);
    await expect(page.getByRole('heading', { level: 1, name: 'Hej Ali', exact: true })).toBeVisible();
  });

  test('the overview and the plan need no horizontal scrolling', async ({ page }) => {
    expect(await page.evaluate(() => window.innerWidth)).toBe(320);
    await expectNoHorizontalScroll(page);
    // The main menu fits too: all five links on screen.
    for (const name of ['Overblik', 'Plan', 'Trivsel', 'Beskeder', 'Mig']) {
      // "Beskeder" may carry its unread count in its name ("Beskeder, 2 ulæste beskeder").
      await expect(page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: new RegExp(`^${name}( ?,|$)`) }))
        .toBeInViewport();
    }
    await expectNoAxeViolations(page);
    await page.goto('/plan');
    await expect(page.getByRole('heading', { level: 1, name: 'Min plan' })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await expectNoAxeViolations(page);
  });

  test('the skip link is the first thing the keyboard reaches', async ({ page }) => {
    const skip = page.getByRole('link', { name: 'Gå til indhold' });
    await expect(skip).toHaveAttribute('href', '#main');
    // Hidden until focused.
    await expect(skip).not.toBeInViewport();

    await page.keyboard.press('Tab');
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await expect(skip).toBeInViewport({ ratio: 1 });

    // Following it moves focus to the main content.
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#main$/);
    await expect(page.getByRole('main')).toBeFocused();
  });
});
