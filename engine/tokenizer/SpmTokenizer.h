#pragma once

#include "Tokenizer.h"

namespace glassbox::tokenizer {

// SentencePiece BPE as llama.cpp's llm_tokenizer_spm runs it (tokenizer.ggml.model = "llama").
std::unique_ptr<Tokenizer> makeSpmTokenizer(Vocab vocab);

} // namespace glassbox::tokenizer
