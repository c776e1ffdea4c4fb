/**
 * Attachments on disk: one file per item in the attachments folder, under
 * a random name (never the client's), the client's name, type and size in
 * the database. Sent back as a download through `Response.file()`.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { randomToken, Response, type FileResponse, type UploadedFile } from "../../lib/index.js";
import type { Attachment } from "./repository.js";
import type { TodoState } from "./state.js";

/** Move an upload into the attachments folder; resolves to what the database keeps of it. */
export async function storeAttachment(state: TodoState, todoId: number, upload: UploadedFile): Promise<Attachment> {
  const file = `${todoId}-${randomToken(16)}`;
  await upload.moveTo(join(state.attachments, file));
  return { name: upload.filename || "attachment", type: upload.contentType, size: upload.size, file };
}

/** Remove an attachment's file (gone already is fine). */
export async function removeAttachment(state: TodoState, attachment: Attachment | undefined): Promise<void> {
  if (attachment !== undefined) await rm(join(state.attachments, attachment.file), { force: true });
}

/**
 * The attachment as a download: `Content-Disposition: attachment` with the
 * uploader's file name, and headers that keep a browser from running what
 * someone uploaded (an HTML file is saved, not shown).
 */
export function attachmentResponse(state: TodoState, attachment: Attachment): Promise<FileResponse> {
  return Response.file(attachment.file, {
    root: state.attachments,
    download: attachment.name,
    contentType: attachment.type,
    headers: { "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox" },
  });
}
