import { useChromiumOnLocalHost } from '../support/e2e';

jest.setTimeout(180_000);

/** The H5 build in real Chromium against the real local host and center simulator. */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

describe('an employee finds their center and jumps to its online hall', () => {
  it('walks home -> search 扬州 and yz -> center detail -> the web-view page', async () => {
    await e2e.page.goto(e2e.host.url);
    await current('#item-1').waitFor();
    await expect(current('.item-grid').innerText()).resolves.toContain('缴存贷款信息查询');

    await current('#home-search').click();
    const input = current('.center-search-input input');
    await input.waitFor();
    await input.fill('扬州');
    await current('#center-321000').waitFor();
    await expect(current('#center-321000').innerText()).resolves.toContain('扬州市住房公积金管理中心');

    await input.fill('yz');
    await current('#center-321000').waitFor();
    await expect(current('.center-search-results').innerText()).resolves.toContain('0514-12329');

    await current('#center-321000').click();
    await current('#center-name').waitFor();
    await expect(current('#center-name').innerText()).resolves.toBe('扬州市住房公积金管理中心');
    await expect(current('#center-phone').innerText()).resolves.toContain('0514-12329');

    await current('#center-item-1').click();
    await e2e.page.waitForURL(/pages\/webview\/index/);
    const frame = e2e.page.frameLocator('.taro_page_stationed iframe');
    await expect(frame.locator('#hall-center').innerText()).resolves.toBe('扬州市住房公积金管理中心');
    await expect(frame.locator('#hall-item').innerText()).resolves.toBe('个人住房公积金缴存贷款等信息查询');
    // the center's page lies below the title bar: 返回 is on top where it is drawn, and takes the person back
    const backOnTop = await current('#shell-back:visible').evaluate((el) => {
      const box = el.getBoundingClientRect();
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return !!top && el.contains(top);
    });
    expect(backOnTop).toBe(true);
    await e2e.shot('webview-hall');
    await current('#shell-back:visible').click();
    await current('#center-name').waitFor();
  });

  it('shows the fallback with the phone instead of a dead jump when the link is unhealthy', async () => {
    // 徐州 is one of the 39 centers whose links did not jump in notice 2021-30 (demo data marks them unhealthy)
    await e2e.newPage();
    await e2e.page.goto(`${e2e.host.url}/#/pages/center/index?code=320300`);
    await current('#center-name').waitFor();
    await current('#center-item-1').click();
    const fallback = current('.fallback-card');
    await fallback.waitFor();
    await expect(fallback.innerText()).resolves.toMatch(/暂时无法访问[\s\S]*0516-12329/);
    expect(e2e.page.url()).toContain('pages/center/index');
  });

  it('picks the business-locale center on an item page and goes to its hall for that item', async () => {
    await e2e.newPage();
    await e2e.page.goto(e2e.host.url);
    await current('#item-3').click();
    const input = current('.center-search-input input');
    await input.waitFor();
    await input.fill('yz');
    await current('#center-321000').click();
    await expect(current('#item-center').innerText()).resolves.toContain('扬州市住房公积金管理中心');
    // the button within the screen, its margins kept (Taro's button is 100% wide)
    const go = (await current('#item-go').boundingBox())!;
    expect(go.x).toBeGreaterThan(0);
    expect(go.x + go.width).toBeLessThan(e2e.page.viewportSize()!.width);
    await current('#item-go').click();
    await e2e.page.waitForURL(/pages\/webview\/index/);
    const frame = e2e.page.frameLocator('.taro_page_stationed iframe');
    await expect(frame.locator('#hall-item').innerText()).resolves.toBe('正常退休提取住房公积金');
  });
});

describe('the dev sign-in of the local host', () => {
  it('switches to a supervisor and the functions see that role', async () => {
    await e2e.newPage();
    await e2e.page.goto(e2e.host.url);
    await current('#go-sign-in').click();
    await current('#persona-supervisor').click();
    await expect(current('#sign-in-roles').innerText()).resolves.toContain('监管人员');
    await current('#persona-employee').click();
    await expect(current('#sign-in-roles').innerText()).resolves.toContain('缴存职工');
  });
});

describe.each([
  ['标准版', false],
  ['长辈版', true],
])('%s finds a center by province', (_mode, elder) => {
  it('jumps from the index at the top to a province, back to the index from its heading, and again to the same province', async () => {
    await e2e.newPage();
    await e2e.open('pages/index/index');
    await e2e.page.evaluate((on) => localStorage.setItem('elder-mode', JSON.stringify({ data: on })), elder);
    await e2e.open('pages/directory/index');
    const entry = current('#index-province-32');
    await entry.waitFor();
    // every entry of the index within the screen's width, and the whole index on the first screen
    const boxes = await current('.directory-index-entry').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes).toHaveLength(await current('.directory-province').count());
    const viewport = e2e.page.viewportSize()!;
    for (const box of boxes) expect(box.left >= 0 && box.right <= viewport.width && box.bottom <= viewport.height).toBe(true);

    await entry.click();
    await e2e.page.waitForFunction(() => {
      const heading = document.querySelector('.taro_page_stationed #province-32');
      const top = heading?.getBoundingClientRect().top ?? -1;
      return top >= 0 && top < innerHeight / 2;
    });
    await e2e.shot(`directory-${elder ? 'elder' : 'standard'}-jiangsu`);
    await current('#to-index-province-32').click();
    await e2e.page.waitForFunction(() => {
      const box = document.querySelector('.taro_page_stationed #index-province-32')?.getBoundingClientRect();
      return !!box && box.top >= 0 && box.bottom <= innerHeight;
    });
    await e2e.shot(`directory-${elder ? 'elder' : 'standard'}-index`);
    // the same entry a second time scrolls again
    await entry.click();
    await e2e.page.waitForFunction(() => {
      const top = document.querySelector('.taro_page_stationed #province-32')?.getBoundingClientRect().top ?? -1;
      return top >= 0 && top < innerHeight / 2;
    });
  });
});
