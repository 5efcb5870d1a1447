import type tcb from '@cloudbase/node-sdk';
import type { FileStore } from './port';

type CloudbaseApp = ReturnType<typeof tcb.init>;

/**
 * CloudBase cloud storage: the stored key is the fileID (cloud://...) the upload answers. No `list`: the node SDK
 * cannot list a folder, so uploads never submitted are removed there by the lifecycle rule on uploads/.
 */
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
    // a signed temporary URL: CloudBase cannot check who fetches it, so the file's random name and the short
    // maxAge keep it to the caller it is answered to (the name and type are those stored with the upload)
    async link(fileID, grant) {
      const maxAge = Math.max(1, Math.ceil((grant.expiresAt.getTime() - Date.now()) / 1000));
      // a refused request answers a code and no list
      const answer = await app.getTempFileURL({ fileList: [{ fileID, maxAge }] });
      const file = answer.fileList?.[0];
      if (!file?.tempFileURL || file.code !== 'SUCCESS') throw new Error(`no temporary URL for ${fileID}: ${file?.code ?? ('code' in answer ? String(answer.code) : 'no answer')}`);
      return file.tempFileURL;
    },
  };
}
