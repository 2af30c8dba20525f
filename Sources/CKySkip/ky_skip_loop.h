// One implementation of the skip loop; ky_skip.c includes this once per instruction set with
// KY_NAME, KY_ATTRIBUTES, KY_CLASSIFY and KY_PREFIX_XOR defined.
KY_ATTRIBUTES static ptrdiff_t KY_NAME(const uint8_t *bytes, size_t length) {
    ky_state state = {0, 0, 0};
    size_t base = 0;
    ky_masks masks;
    for (; base + 64 <= length; base += 64) {
        KY_CLASSIFY(bytes + base, &masks);
        ptrdiff_t result = ky_step(&state, &masks, KY_PREFIX_XOR, base);
        if (result >= 0) return result;
    }
    if (base < length) {
        // The last bytes, padded with blanks to a block.
        uint8_t padded[64];
        memset(padded, ' ', sizeof padded);
        memcpy(padded, bytes + base, length - base);
        KY_CLASSIFY(padded, &masks);
        ptrdiff_t result = ky_step(&state, &masks, KY_PREFIX_XOR, base);
        if (result >= 0) return result;
    }
    return KY_SKIP_INCOMPLETE;
}
#undef KY_NAME
#undef KY_ATTRIBUTES
#undef KY_CLASSIFY
#undef KY_PREFIX_XOR
