#pragma once

#include "Tokenizer.h"

namespace glassbox::tokenizer {

// BERT WordPiece as llama.cpp's llm_tokenizer_wpm runs it (tokenizer.ggml.model = "bert").
std::unique_ptr<Tokenizer> makeWordPieceTokenizer(Vocab vocab);

} // namespace glassbox::tokenizer
