import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { createHash } from 'node:crypto';
import type { ApplicationView } from '../../src/core/applications/views';
import { ok } from '../../src/core/errors';
import type { FileLink } from '../../src/core/files';
import ApplicationPage from '../../src/pages/application';
import { textPdf } from '../support/files';
import { exactly, press, waitForText } from './support/interact';
import { findElement, openWith } from './support/page';

/*
 * The employee's certificate as built for WeChat (the platform module says weapp): `applications document` answers a
 * link, Taro.downloadFile fetches it, what arrived is checked against the view's sha256 before it is written to the
 * user data path and opened. The functions and WeChat's file APIs are answered here.
 */
jest.mock('../../src/services/platform', () => ({ isWeapp: true, isH5: false }));

const PDF = Buffer.from(textPdf('Certificate of loan cleared'), 'latin1');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const DOCUMENT = { id: 'abcdef0123456789abcd', name: '贷款全部还清证明.pdf', contentType: 'application/pdf', sha256: sha256(PDF), size: PDF.length };
const VIEW: ApplicationView = {
  id: 'certweapp00000001',
  type: 'certificate-loan-cleared',
  item: 8,
  status: 'completed',
  platformCode: null,
  step: '办结',
  letterNumber: null,
  centers: [{ code: '321000', name: '扬州市住房公积金管理中心', role: 'business', phone: '0514-12329' }],
  summary: [],
  events: [],
  documents: [DOCUMENT],
  acceptBy: '2026-12-10',
  acceptByProvisional: false,
  acceptOverdue: false,
  canWithdraw: false,
  rating: null,
  canRate: false,
  followUp: null,
  payment: null,
  target: null,
  targetProvisional: false,
  attachments: [],
  test: false,
  createdAt: '2026-12-01T02:00:00.000Z',
};
const link = (minutesLeft = 10): FileLink => ({
  name: DOCUMENT.name,
  contentType: 'application/pdf',
  sha256: DOCUMENT.sha256,
  size: PDF.length,
  url: `https://env.tcb.qcloud.la/downloads/${Math.random().toString(16).slice(2)}.pdf?sign=x&t=1`,
  expiresAt: new Date(Date.now() + minutesLeft * 60_000).toISOString(),
});

const asked: { action: string }[] = [];
let nextLink = link();
jest.mock('../../src/services/cloud', () => ({
  ...jest.requireActual<object>('../../src/services/cloud'),
  callFunction: async (name: string, event: { action: string }) => {
    asked.push(event);
    if (name === 'applications' && event.action === 'get') return ok(VIEW);
    if (name === 'applications' && event.action === 'document') return ok(nextLink);
    return { ok: false, code: 'VALIDATION_FAILED', message: '不支持的操作' };
  },
}));

/** What WeChat's file APIs were asked, and what the download answers: `arrived` is the body, `statusCode` its status. */
interface Weapp {
  downloaded: string[];
  written: { filePath: string; data: ArrayBuffer }[];
  opened: string[];
}
function fakeWeapp(answer: () => { statusCode: number; arrived: Buffer }): Weapp {
  const seen: Weapp = { downloaded: [], written: [], opened: [] };
  const files = new Map<string, ArrayBuffer>();
  const taro = Taro as unknown as Record<string, unknown>;
  taro.env = { USER_DATA_PATH: 'wxfile://usr' };
  taro.downloadFile = async ({ url }: { url: string }) => {
    seen.downloaded.push(url);
    const { statusCode, arrived } = answer();
    const tempFilePath = `wxfile://tmp/${seen.downloaded.length}`;
    files.set(tempFilePath, Uint8Array.from(arrived).buffer);
    return { statusCode, tempFilePath };
  };
  taro.getFileSystemManager = () => ({
    readFileSync: (filePath: string) => files.get(filePath),
    writeFile: ({ filePath, data, success }: { filePath: string; data: ArrayBuffer; success: () => void }) => {
      seen.written.push({ filePath, data });
      success();
    },
  });
  taro.openDocument = async ({ filePath }: { filePath: string }) => void seen.opened.push(filePath);
  return seen;
}

async function openPage(): Promise<HTMLElement> {
  openWith({ id: VIEW.id });
  const { container } = render(<ApplicationPage />);
  await findElement(container, `#document-open-${DOCUMENT.id}`);
  return container;
}

beforeEach(() => {
  asked.length = 0;
  nextLink = link();
});

describe('a certificate opened in WeChat', () => {
  it('downloads it by the link, checks its sha256, then writes it under its name and opens it', async () => {
    const weapp = fakeWeapp(() => ({ statusCode: 200, arrived: PDF }));
    const page = await openPage();
    await press(page, `#document-open-${DOCUMENT.id}`);
    await waitFor(() => expect(weapp.opened).toHaveLength(1));

    expect(weapp.downloaded).toEqual([nextLink.url]);
    expect(weapp.written.map((w) => [w.filePath, Buffer.from(w.data).equals(PDF)])).toEqual([[`wxfile://usr/${DOCUMENT.name}`, true]]);
    expect(weapp.opened).toEqual([`wxfile://usr/${DOCUMENT.name}`]);
    expect(page.querySelector('#document-error')).toBeNull();
  });

  it('says so when what arrived does not match, writes and opens nothing, and downloads again by a new link on 重新下载', async () => {
    let arrived = Buffer.from(PDF.toString('latin1').replace('Catalog', 'Catalof'), 'latin1');
    const weapp = fakeWeapp(() => ({ statusCode: 200, arrived }));
    const page = await openPage();
    await press(page, `#document-open-${DOCUMENT.id}`);

    await waitForText(page, '#document-error', exactly('文件校验失败：下载到的文件与记录的不一致，可能在传输中损坏，请重试'));
    expect(weapp.written).toEqual([]);
    expect(weapp.opened).toEqual([]);

    const first = nextLink.url;
    nextLink = link();
    arrived = PDF;
    await press(page, '#document-retry');
    await waitFor(() => expect(weapp.opened).toHaveLength(1));
    expect(asked.filter((e) => e.action === 'document')).toHaveLength(2);
    expect(weapp.downloaded).toEqual([first, nextLink.url]);
    expect(weapp.opened).toEqual([`wxfile://usr/${DOCUMENT.name}`]);
  });

  it('says the link has expired when storage refuses it past its time', async () => {
    nextLink = link(-1);
    const weapp = fakeWeapp(() => ({ statusCode: 403, arrived: Buffer.from('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>') }));
    const page = await openPage();
    await press(page, `#document-open-${DOCUMENT.id}`);

    await waitForText(page, '#document-error', exactly('下载链接已过期（10 分钟内有效），请重试以获取新的链接'));
    expect(weapp.written).toEqual([]);
  });

  it('says the download failed, not that it expired, when the link is still valid', async () => {
    fakeWeapp(() => ({ statusCode: 500, arrived: Buffer.alloc(0) }));
    const page = await openPage();
    await press(page, `#document-open-${DOCUMENT.id}`);

    await waitForText(page, '#document-error', exactly('文件下载失败，请检查网络后重试'));
  });
});
