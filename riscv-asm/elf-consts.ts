/** ELF32 constants shared by the writer and the reader. */

export const EM_RISCV = 243;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8;
export const SHT_INIT_ARRAY = 14, SHT_FINI_ARRAY = 15, SHT_PREINIT_ARRAY = 16;
export const SHT_RISCV_ATTRIBUTES = 0x70000003;
export const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_INFO_LINK = 0x40;
export const STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
export const STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4;
export const SHN_UNDEF = 0, SHN_ABS = 0xfff1;
export const PT_LOAD = 1, PT_RISCV_ATTRIBUTES = 0x70000003;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const EHDR_SIZE = 52, SHDR_SIZE = 40, PHDR_SIZE = 32, SYM_SIZE = 16, RELA_SIZE = 12;
