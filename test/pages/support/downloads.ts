/** What the H5 download does, caught: each object URL's Blob and each `<a download>` clicked (jsdom has no object URLs). */
export interface CaughtDownloads {
  blobs: Blob[];
  anchors: { download: string; href: string; inPage: boolean }[];
}

/** Catches downloads until `releaseDownloads` (the spy on the anchor's click is restored with the others). */
export function catchDownloads(): CaughtDownloads {
  const caught: CaughtDownloads = { blobs: [], anchors: [] };
  Object.defineProperty(URL, 'createObjectURL', {
    configurable: true,
    writable: true,
    value: (blob: Blob) => {
      caught.blobs.push(blob);
      return `blob:test/${caught.blobs.length}`;
    },
  });
  jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    caught.anchors.push({ download: this.download, href: this.href, inPage: document.body.contains(this) });
  });
  return caught;
}

export function releaseDownloads(): void {
  delete (URL as { createObjectURL?: unknown }).createObjectURL;
}

/** A Blob's bytes (jsdom's Blob has no arrayBuffer()). */
export const bytesOfBlob = (blob: Blob) =>
  new Promise<Uint8Array>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (reader.result === null || typeof reader.result === 'string' ? reject(new Error('not read as bytes')) : resolve(new Uint8Array(reader.result)));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(blob);
  });
