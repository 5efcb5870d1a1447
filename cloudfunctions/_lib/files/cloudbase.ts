import type tcb from '@cloudbase/node-sdk';
import type { FileStore } from './port';

type CloudbaseApp = ReturnType<typeof tcb.init>;

/** CloudBase cloud storage: the stored key is the fileID (cloud://...) the upload answers. */
export function cloudbaseFileStore(app: CloudbaseApp): FileStore {
  return {
    async put(key, bytes) {
      const { fileID } = await app.uploadFile({ cloudPath: key, fileContent: bytes });
      return fileID;
    },
    async get(fileID) {
      const { fileContent } = await app.downloadFile({ fileID });
      return fileContent as Buffer;
    },
    async remove(fileID) {
      await app.deleteFile({ fileList: [fileID] });
    },
  };
}
