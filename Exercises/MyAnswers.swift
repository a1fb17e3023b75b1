// Your answers to the book's exercises, one file per chapter.
//
//     swift run exercises              # every exercise and whether your answer passes
//     swift run exercises show 4.1     # what exercise 4.1 asks
//     swift run exercises check 4.1    # check your answer: what was expected, what came back
//
// Each function below is a stub that compiles and fails its check: replace its body with your
// answer. Stuck? The reference answers are in Solutions/ (the same file names).
import ExerciseChecks
import Teach

/// Your answers: each chapter's file extends this with that chapter's exercises.
public enum MyAnswers: ExerciseAnswers {}
