package io.brine.vault;

/**
 * A share that is none of the shares this vault's operators hold (its check value matches none):
 * refused on arrival, never counted, never combined. The collected shares stay as they were.
 */
public final class ForeignShareException extends InvalidRequestException {
  static final String MESSAGE =
      "this key is not a share of this vault: refused, and the progress is unchanged";

  ForeignShareException() {
    super(MESSAGE);
  }
}
