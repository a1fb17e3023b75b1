// Reference answers to the book's exercises, one file per chapter, the same names as in
// Exercises/. Try your own first: `swift run exercises check <id>` says what is wrong with it.
import ExerciseChecks
import Teach

/// The reference answers; `swift run exercises check <id> --reference` checks them.
public enum ReferenceAnswers: ExerciseAnswers {}
