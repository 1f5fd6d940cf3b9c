/**
 * Stand-ins for the binaries of a real install: enough for inspection (an ELF header names the architecture, a
 * kernel file exists and has a size), small, compressible, and saying what they are to anyone who looks.
 */

/** Text lines, `lines` of them: spans several blocks, so the file needs a single-indirect block. */
export function placeholderFile(what: string, lines: number): Uint8Array {
  const text: string[] = [];
  for (let i = 0; i < lines; i++) text.push(`VM Ferry sample appliance: placeholder for ${what}, line ${i + 1}; not a real binary.`);
  return new TextEncoder().encode(`${text.join('\n')}\n`);
}

/**
 * An ELF64 little-endian x86-64 executable header (System V ABI, "ELF Header") with no program or section
 * headers, then a note: inspection reads the architecture from /bin/bash's e_ident class and e_machine.
 */
export function elfPlaceholder(what: string): Uint8Array {
  const note = new TextEncoder().encode(`\nVM Ferry sample appliance: placeholder for ${what}; only its ELF header is real.\n`);
  const bytes = new Uint8Array(64 + note.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV
  view.setUint16(16, 2, true); // e_type ET_EXEC
  view.setUint16(18, 62, true); // e_machine EM_X86_64
  view.setUint32(20, 1, true); // e_version
  view.setUint16(52, 64, true); // e_ehsize
  view.setUint16(54, 56, true); // e_phentsize
  view.setUint16(58, 64, true); // e_shentsize
  bytes.set(note, 64);
  return bytes;
}
