<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>EngineWorker</name>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>%1: unknown error while loading</source>
        <translation>%1 : erreur inconnue lors du chargement</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>Aucun modèle n&apos;est chargé.</translation>
    </message>
    <message>
        <source>Unknown error while running the model.</source>
        <translation>Erreur inconnue lors de l&apos;exécution du modèle.</translation>
    </message>
    <message>
        <source>The model was closed.</source>
        <translation>Le modèle a été fermé.</translation>
    </message>
    <message>
        <source>Another task replaced it.</source>
        <translation>Une autre tâche l’a remplacée.</translation>
    </message>
    <message>
        <source>The model was replaced by %1.</source>
        <translation>Le modèle a été remplacé par %1.</translation>
    </message>
</context>
<context>
    <name>Gallery</name>
    <message>
        <source>no resources folder found (set TOKENSCOPE_RESOURCES)</source>
        <translation>aucun dossier de ressources trouvé (définissez TOKENSCOPE_RESOURCES)</translation>
    </message>
    <message>
        <source>%1: not a JSON array of images (%2)</source>
        <translation>%1 : ce n&apos;est pas un tableau JSON d&apos;images (%2)</translation>
    </message>
    <message>
        <source>Synthetic task, 3×2 tiles</source>
        <translation>Tâche synthétique, 3×2 tuiles</translation>
    </message>
    <message>
        <source>the router keeps the two card tiles at 1/4 and sends the shape tiles at 1/16 (answer: lamp)</source>
        <translation>le routeur garde les deux tuiles à cartes à 1/4 et envoie les tuiles de formes à 1/16 (réponse : lamp)</translation>
    </message>
    <message>
        <source>Synthetic task, 5×1 tiles</source>
        <translation>Tâche synthétique, 5×1 tuiles</translation>
    </message>
    <message>
        <source>a wide image: five tiles in a row plus the thumbnail; the shape tile goes to 1/16 and keeps its colour (answer: purple)</source>
        <translation>une image large : cinq tuiles alignées plus la vignette ; la tuile des formes passe à 1/16 et garde sa couleur (réponse : purple)</translation>
    </message>
    <message>
        <source>Rocket launch (photo)</source>
        <translation>Lancement de fusée (photo)</translation>
    </message>
    <message>
        <source>a real photograph: the demo model never saw one, so watch the routing, not the answer</source>
        <translation>une vraie photographie : le modèle de démonstration n&apos;en a jamais vu, regardez donc le routage, pas la réponse</translation>
    </message>
    <message>
        <source>Astronaut (photo)</source>
        <translation>Astronaute (photo)</translation>
    </message>
    <message>
        <source>a real portrait photograph</source>
        <translation>un vrai portrait photographique</translation>
    </message>
    <message>
        <source>Coffee cup (photo)</source>
        <translation>Tasse de café (photo)</translation>
    </message>
    <message>
        <source>a real photograph</source>
        <translation>une vraie photographie</translation>
    </message>
    <message>
        <source>Cat (photo)</source>
        <translation>Chat (photo)</translation>
    </message>
    <message>
        <source>Text (document)</source>
        <translation>Texte (document)</translation>
    </message>
    <message>
        <source>a scanned text image: dense detail for the router and the selectors</source>
        <translation>une image de texte numérisée : des détails denses pour le routeur et les sélecteurs</translation>
    </message>
</context>
<context>
    <name>GuiOptions</name>
    <message>
        <source>TokenScope: see what visual-token compression does to a multimodal LLM.</source>
        <translation>TokenScope : observez l&apos;effet de la compression des jetons visuels sur un LLM multimodal.</translation>
    </message>
    <message>
        <source>Model folder to open.</source>
        <translation>Dossier du modèle à ouvrir.</translation>
    </message>
    <message>
        <source>Image to open.</source>
        <translation>Image à ouvrir.</translation>
    </message>
    <message>
        <source>Question to ask once both are loaded.</source>
        <translation>Question à poser une fois le modèle et l&apos;image chargés.</translation>
    </message>
    <message>
        <source>Compression method, as tokenscope-cli names it (vir, none, all-1/16, visionselector, vir+fastv, …; tokenscope-cli methods lists them).</source>
        <translation>Méthode de compression, nommée comme dans tokenscope-cli (vir, none, all-1/16, visionselector, vir+fastv, … ; la commande tokenscope-cli methods les liste).</translation>
    </message>
    <message>
        <source>Token budget in (0, 1].</source>
        <translation>Budget de jetons, dans (0, 1].</translation>
    </message>
    <message>
        <source>Open in compare mode, the right canvas running this method.</source>
        <translation>Ouvrir en mode comparaison, le canevas de droite exécutant cette méthode.</translation>
    </message>
    <message>
        <source>The right canvas&apos;s budget in (0, 1].</source>
        <translation>Budget du canevas de droite, dans (0, 1].</translation>
    </message>
    <message>
        <source>Longest answer, in tokens.</source>
        <translation>Longueur maximale de la réponse, en jetons.</translation>
    </message>
    <message>
        <source>cpu or cuda.</source>
        <translation>cpu ou cuda.</translation>
    </message>
    <message>
        <source>fp32 or bf16 (default: fp32 on cpu, bf16 on cuda).</source>
        <translation>fp32 ou bf16 (par défaut : fp32 sur cpu, bf16 sur cuda).</translation>
    </message>
    <message>
        <source>Compute threads (0: one per core).</source>
        <translation>Threads de calcul (0 : un par cœur).</translation>
    </message>
    <message>
        <source>No window: run once and write overlay.png, stages.png, answer.txt and result.json (also the default when there is no display).</source>
        <translation>Sans fenêtre : exécuter une fois et écrire overlay.png, stages.png, answer.txt et result.json (comportement par défaut en l&apos;absence d&apos;affichage).</translation>
    </message>
    <message>
        <source>Output folder for --headless.</source>
        <translation>Dossier de sortie pour --headless.</translation>
    </message>
    <message>
        <source>A sweep folder to open in the Sweep tab.</source>
        <translation>Dossier de balayage à ouvrir dans l&apos;onglet Balayage.</translation>
    </message>
    <message>
        <source>Save a PNG of the window after the first answer, then quit.</source>
        <translation>Enregistrer un PNG de la fenêtre après la première réponse, puis quitter.</translation>
    </message>
    <message>
        <source>--budget must be a number in (0, 1], got &apos;%1&apos;</source>
        <translation>--budget doit être un nombre dans (0, 1] ; valeur reçue : « %1 »</translation>
    </message>
    <message>
        <source>--compare-budget must be a number in (0, 1], got &apos;%1&apos;</source>
        <translation>--compare-budget doit être un nombre dans (0, 1] ; valeur reçue : « %1 »</translation>
    </message>
    <message>
        <source>--max-new-tokens must be a positive integer</source>
        <translation>--max-new-tokens doit être un entier positif</translation>
    </message>
    <message>
        <source>--threads must be 0 or a positive integer</source>
        <translation>--threads doit valoir 0 ou un entier positif</translation>
    </message>
    <message>
        <source>--device must be cpu or cuda, got &apos;%1&apos;</source>
        <translation>--device doit valoir cpu ou cuda ; valeur reçue : « %1 »</translation>
    </message>
    <message>
        <source>--dtype must be fp32 or bf16, got &apos;%1&apos;</source>
        <translation>--dtype doit valoir fp32 ou bf16 ; valeur reçue : « %1 »</translation>
    </message>
    <message>
        <source>Interface language: en, fr or zh_CN (default: the last one chosen, or the system&apos;s).</source>
        <translation>Langue de l&apos;interface : en, fr ou zh_CN (par défaut : la dernière choisie, ou celle du système).</translation>
    </message>
</context>
<context>
    <name>ImageLoader</name>
    <message>
        <source>%1: could not be decoded</source>
        <translation>%1 : impossible à décoder</translation>
    </message>
</context>
<context>
    <name>OverlayExport</name>
    <message>
        <source>answer: %1</source>
        <translation>réponse : %1</translation>
    </message>
</context>
<context>
    <name>OverlayPainter</name>
    <message numerus="yes">
        <source>1/4 full resolution: %n tile(s)</source>
        <translation>
            <numerusform>1/4 pleine résolution : %n tuile</numerusform>
            <numerusform>1/4 pleine résolution : %n tuiles</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>1/16 compressed: %n tile(s)</source>
        <translation>
            <numerusform>1/16 compressé : %n tuile</numerusform>
            <numerusform>1/16 compressé : %n tuiles</numerusform>
        </translation>
    </message>
    <message>
        <source>thumbnail: %1</source>
        <translation>vignette : %1</translation>
    </message>
    <message>
        <source>visual tokens %1 / %2 (%3%)</source>
        <translation>jetons visuels %1 / %2 (%3 %)</translation>
    </message>
    <message>
        <source>%1 score %2 → %3</source>
        <translation>score %1 : %2 → %3</translation>
    </message>
    <message>
        <source>dropped: dimmed, hatched</source>
        <translation>écartés : assombris, hachurés</translation>
    </message>
    <message>
        <source>p: the router&apos;s p(compress); 1/16 where p &gt; %1 (quantile %2 of p) and p ≥ %3</source>
        <translation>p : p(compression) du routeur ; 1/16 là où p &gt; %1 (quantile %2 de p) et p ≥ %3</translation>
    </message>
    <message>
        <source>p: the router&apos;s p(compress); 1/16 from the highest p down, to the budget</source>
        <translation>p : p(compression) du routeur ; 1/16 du plus grand p vers le bas, jusqu’au budget</translation>
    </message>
    <message>
        <source>p: the router&apos;s p(compress), not used by this method</source>
        <translation>p : p(compression) du routeur, inutilisé par cette méthode</translation>
    </message>
    <message>
        <source>no token scores: %1 does not rank tokens</source>
        <translation>pas de scores de jetons : %1 ne classe pas les jetons</translation>
    </message>
    <message>
        <source>no token scores: %1 keeps every token of its tiles</source>
        <translation>pas de scores de jetons : %1 garde tous les jetons de ses tuiles</translation>
    </message>
    <message numerus="yes">
        <source>merged: %n dropped token(s) → the kept token each joined</source>
        <translation>
            <numerusform>fusionné : %n jeton écarté → le jeton conservé qu’il a rejoint</numerusform>
            <numerusform>fusionnés : %n jetons écartés → le jeton conservé que chacun a rejoint</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResultText</name>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>%1 · %2 parameters · flash %3 · selector %4 · %5-px tiles, %6/%7 tokens per tile · %8, %9, threads %10</source>
        <translation>%1 · %2 paramètres · flash %3 · sélecteur %4 · tuiles de %5 px, %6/%7 jetons par tuile · %8, %9, threads %10</translation>
    </message>
    <message>
        <source>visual tokens %1 / %2 (%3%), prompt %4</source>
        <translation>jetons visuels %1 / %2 (%3 %), invite %4</translation>
    </message>
    <message>
        <source>(empty answer: the model stopped at once)</source>
        <translation>(réponse vide : le modèle s&apos;est arrêté immédiatement)</translation>
    </message>
    <message>
        <source> — asked %1%: every tile at 1/16 is the least ViR can send</source>
        <translation> — demandé %1 % : toutes les tuiles à 1/16, c’est le minimum que ViR peut envoyer</translation>
    </message>
</context>
<context>
    <name>SweepFigures</name>
    <message>
        <source>mean score (%1)</source>
        <translation>score moyen (%1)</translation>
    </message>
    <message>
        <source>mean score</source>
        <translation>score moyen</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>aucune donnée</translation>
    </message>
    <message>
        <source>kept visual tokens (fraction of all visual tokens)</source>
        <translation>jetons visuels conservés (part de tous les jetons visuels)</translation>
    </message>
    <message>
        <source>Prefill latency vs budget</source>
        <translation>Latence du préremplissage selon le budget</translation>
    </message>
    <message>
        <source>token budget (fraction of visual tokens)</source>
        <translation>budget de jetons (part des jetons visuels)</translation>
    </message>
    <message>
        <source>median prefill latency (ms)</source>
        <translation>latence médiane du préremplissage (ms)</translation>
    </message>
    <message>
        <source>Quality–latency trade-off</source>
        <translation>Compromis qualité–latence</translation>
    </message>
    <message>
        <source>median total latency per sample (ms)</source>
        <translation>latence totale médiane par échantillon (ms)</translation>
    </message>
    <message>
        <source>Pareto front</source>
        <translation>Front de Pareto</translation>
    </message>
    <message>
        <source>every token (none): %1</source>
        <translation>tous les jetons (none) : %1</translation>
    </message>
    <message>
        <source>Score vs kept visual tokens (bars: 95% bootstrap interval)</source>
        <translation>Score selon les jetons visuels conservés (barres : intervalle bootstrap à 95 %)</translation>
    </message>
</context>
<context>
    <name>SweepJob</name>
    <message>
        <source>%1 The cells finished so far are kept; Run Sweep again resumes.</source>
        <translation>%1 Les cellules déjà terminées sont conservées ; relancer le balayage reprend là où il s’est arrêté.</translation>
    </message>
</context>
<context>
    <name>Translations</name>
    <message>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>headless mode needs --model, --image and --question</source>
        <translation>le mode sans fenêtre nécessite --model, --image et --question</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::AnswerHistoryModel</name>
    <message>
        <source>%1 right</source>
        <translation>%1 droite</translation>
    </message>
    <message>
        <source>(no visible text)</source>
        <translation>(aucun texte visible)</translation>
    </message>
    <message>
        <source>%1 against the reference: %2</source>
        <translation>%1 par rapport à la référence : %2</translation>
    </message>
    <message>
        <source>Double-click to show this ask again</source>
        <translation>Double-cliquez pour afficher de nouveau cette question</translation>
    </message>
    <message>
        <source>#</source>
        <translation>n°</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Tokens sent</source>
        <translation>Jetons envoyés</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Référence</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>Correct</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::AnswerHistoryView</name>
    <message>
        <source>Every answer of this session, newest first. Double-click a row to show it again.</source>
        <translation>Toutes les réponses de cette session, la plus récente en premier. Double-cliquez sur une ligne pour l’afficher de nouveau.</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::ComputePanel</name>
    <message>
        <source>Apply</source>
        <translation>Appliquer</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>GPU CUDA</translation>
    </message>
    <message>
        <source>all cores</source>
        <translation>tous les cœurs</translation>
    </message>
    <message>
        <source>threads </source>
        <translation>threads </translation>
    </message>
    <message>
        <source>Reload the model with these settings</source>
        <translation>Recharger le modèle avec ces réglages</translation>
    </message>
    <message>
        <source>Where the model runs; CUDA needs a CUDA build of LibTorch and a GPU</source>
        <translation>Où le modèle s&apos;exécute ; CUDA nécessite une version CUDA de LibTorch et un GPU</translation>
    </message>
    <message>
        <source>fp32 on CPUs; bf16 is the released models&apos; dtype and the fast path on GPUs</source>
        <translation>fp32 sur CPU ; bf16 est le type des modèles publiés et la voie rapide sur GPU</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::GalleryView</name>
    <message>
        <source>No demo images found.</source>
        <translation>Aucune image de démonstration trouvée.</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::ImageCanvas</name>
    <message>
        <source>thumbnail</source>
        <translation>vignette</translation>
    </message>
    <message>
        <source>column %1, row %2</source>
        <translation>colonne %1, ligne %2</translation>
    </message>
    <message>
        <source>n/a (no router)</source>
        <translation>s.o. (pas de routeur)</translation>
    </message>
    <message>
        <source>Tile %1 (%2)
ratio %3
p(compress) %4
tokens %5</source>
        <translation>Tuile %1 (%2)
ratio %3
p(compress) %4
jetons %5</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>conservé</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>écarté</translation>
    </message>
    <message>
        <source>merged into token %1</source>
        <translation>fusionné dans le jeton %1</translation>
    </message>
    <message>
        <source>Drop an image or a model folder here
(File → Open Image… or Open Model Folder…)</source>
        <translation>Déposez ici une image ou un dossier de modèle
(Fichier → Ouvrir une image… ou Ouvrir le dossier du modèle…)</translation>
    </message>
    <message>
        <source>Token %1 (tile %2 at %3, cell %4,%5) · score %6 · %7</source>
        <translation>Jeton %1 (tuile %2 à %3, cellule %4,%5) · score %6 · %7</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::InspectPage</name>
    <message>
        <source>Model and image</source>
        <translation>Modèle et image</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>Compression</translation>
    </message>
    <message>
        <source>Compare: right canvas</source>
        <translation>Comparaison : canevas de droite</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Calques</translation>
    </message>
    <message>
        <source>The token under the cursor; click a token to pin it</source>
        <translation>Le jeton sous le curseur ; cliquez sur un jeton pour l&apos;épingler</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>Aucun modèle chargé.</translation>
    </message>
    <message>
        <source>No image loaded.</source>
        <translation>Aucune image chargée.</translation>
    </message>
    <message>
        <source>The model&apos;s answer appears here.</source>
        <translation>La réponse du modèle s&apos;affiche ici.</translation>
    </message>
    <message>
        <source>%1 · budget %2%</source>
        <translation>%1 · budget %2 %</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source>Right canvas: %1</source>
        <translation>Canevas de droite : %1</translation>
    </message>
    <message>
        <source>Asking…</source>
        <translation>Interrogation…</translation>
    </message>
    <message>
        <source>%1 (%2 × %3)</source>
        <translation>%1 (%2 × %3)</translation>
    </message>
    <message>
        <source>Left: %1
Right: %2</source>
        <translation>Gauche : %1
Droite : %2</translation>
    </message>
    <message>
        <source>Answered in %1 ms</source>
        <translation>Réponse en %1 ms</translation>
    </message>
    <message>
        <source>Pinned: %1</source>
        <translation>Épinglé : %1</translation>
    </message>
    <message>
        <source>Method &apos;%1&apos; cannot run on the loaded model</source>
        <translation>La méthode « %1 » ne peut pas s&apos;exécuter sur le modèle chargé</translation>
    </message>
    <message>
        <source>Hover a token to inspect it; click to pin; hold Space to see the image alone.</source>
        <translation>Survolez un jeton pour l’inspecter ; cliquez pour l’épingler ; maintenez Espace pour voir l’image seule.</translation>
    </message>
    <message>
        <source>the left canvas</source>
        <translation>le canevas de gauche</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::LayerPanel</name>
    <message>
        <source>Tile grid (router)</source>
        <translation>Grille des tuiles (routeur)</translation>
    </message>
    <message>
        <source>Token scores</source>
        <translation>Scores des jetons</translation>
    </message>
    <message>
        <source>Dropped tokens</source>
        <translation>Jetons écartés</translation>
    </message>
    <message>
        <source>Merges</source>
        <translation>Fusions</translation>
    </message>
    <message>
        <source>Tiles outlined and tinted by ratio: blue 1/4 (full), orange 1/16 (compressed)</source>
        <translation>Tuiles entourées et teintées selon le ratio : bleu 1/4 (complet), orange 1/16 (compressé)</translation>
    </message>
    <message>
        <source>The method&apos;s per-token score (selector score, attention received, …)</source>
        <translation>Score par jeton de la méthode (score du sélecteur, attention reçue, …)</translation>
    </message>
    <message>
        <source>Tokens that do not reach the LLM, dimmed and hatched</source>
        <translation>Jetons qui n&apos;atteignent pas le LLM, assombris et hachurés</translation>
    </message>
    <message>
        <source>Lines from each merged token to the kept token it was merged into</source>
        <translation>Lignes reliant chaque jeton fusionné au jeton conservé dans lequel il a été fusionné</translation>
    </message>
    <message>
        <source>Opacity of the token layers</source>
        <translation>Opacité des calques de jetons</translation>
    </message>
    <message>
        <source>Opacity:</source>
        <translation>Opacité :</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::MainWindow</name>
    <message>
        <source>TokenScope</source>
        <translation>TokenScope</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>Inspection</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Balayage</translation>
    </message>
    <message>
        <source>Controls</source>
        <translation>Commandes</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Galerie</translation>
    </message>
    <message>
        <source>Open a model folder (Ctrl+M) and an image (Ctrl+O), or drop them here.</source>
        <translation>Ouvrez un dossier de modèle (Ctrl+M) et une image (Ctrl+O), ou déposez-les ici.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Open &amp;Model Folder…</source>
        <translation>Ouvrir le &amp;dossier du modèle…</translation>
    </message>
    <message>
        <source>&amp;Open Image…</source>
        <translation>&amp;Ouvrir une image…</translation>
    </message>
    <message>
        <source>Recent Models</source>
        <translation>Modèles récents</translation>
    </message>
    <message>
        <source>Recent Images</source>
        <translation>Images récentes</translation>
    </message>
    <message>
        <source>Open &amp;Sweep Folder…</source>
        <translation>Ouvrir un dossier de &amp;balayage…</translation>
    </message>
    <message>
        <source>&amp;Export Overlay PNG…</source>
        <translation>&amp;Exporter la superposition en PNG…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Zoom &amp;avant</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Zoom a&amp;rrière</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>A&amp;juster à la fenêtre</translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation>&amp;Inspection</translation>
    </message>
    <message>
        <source>S&amp;weep</source>
        <translation>&amp;Balayage</translation>
    </message>
    <message>
        <source>&amp;Compare Side by Side</source>
        <translation>&amp;Comparer côte à côte</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Exécution</translation>
    </message>
    <message>
        <source>&amp;Ask</source>
        <translation>&amp;Demander</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>A&amp;nnuler</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>Ouvrir le dossier du modèle</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Ouvrir une image</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;All files (*)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Export Overlay PNG</source>
        <translation>Exporter la superposition en PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Images PNG (*.png)</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>Écrit : %1</translation>
    </message>
    <message>
        <source>%1: could not be written</source>
        <translation>%1 : impossible d&apos;écrire le fichier</translation>
    </message>
    <message>
        <source>TokenScope — %1</source>
        <translation>TokenScope — %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Opened sweep %1</source>
        <translation>Balayage %1 ouvert</translation>
    </message>
    <message>
        <source>Open Sweep Folder</source>
        <translation>Ouvrir un dossier de balayage</translation>
    </message>
    <message>
        <source>&amp;Copy Overlay</source>
        <translation>&amp;Copier la superposition</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>The window speaks %1 from the next start.</source>
        <translation>La fenêtre sera en %1 au prochain démarrage.</translation>
    </message>
    <message>
        <source>Copied the overlay to the clipboard</source>
        <translation>Superposition copiée dans le presse-papiers</translation>
    </message>
    <message>
        <source>File → Open Demo Model opens the model TokenScope ships.</source>
        <translation>Fichier → Ouvrir le modèle de démonstration ouvre le modèle fourni avec TokenScope.</translation>
    </message>
    <message>
        <source>Open &amp;Demo Model</source>
        <translation>Ouvrir le modèle de &amp;démonstration</translation>
    </message>
    <message>
        <source>Open the Demo Model</source>
        <translation>Ouvrir le modèle de démonstration</translation>
    </message>
    <message>
        <source>Show the &amp;Raw Image (or hold Space)</source>
        <translation>Afficher l’image &amp;brute (ou maintenir Espace)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;What Am I Looking At?</source>
        <translation>&amp;Que montre l’écran ?</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>Model loaded: %1. F1 explains what the canvas shows.</source>
        <translation>Modèle chargé : %1. F1 explique ce que montre le canevas.</translation>
    </message>
    <message>
        <source>What am I looking at?</source>
        <translation>Que montre l’écran ?</translation>
    </message>
    <message>
        <source>Space (held)</source>
        <translation>Espace (maintenu)</translation>
    </message>
    <message>
        <source>the image alone, without layers</source>
        <translation>l’image seule, sans calques</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The image is cut into tiles&lt;/b&gt; (plus a thumbnail of the whole image). Each tile becomes visual tokens: 16 per 112-px tile at &lt;b&gt;1/4&lt;/b&gt; (blue outline, full detail) or 4 at &lt;b&gt;1/16&lt;/b&gt; (orange, compressed).&lt;/p&gt;&lt;p&gt;&lt;b&gt;p&lt;/b&gt; on a tile is the ViR router&apos;s probability that the tile can be compressed. The router sends a tile at 1/16 when p is above the quantile and the absolute threshold the legend names.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Token methods&lt;/b&gt; then keep a share of the tokens, the &lt;b&gt;budget&lt;/b&gt;: k = max(1, ⌊b·N⌋) of the N tokens. Their scores are the heatmap; dropped tokens are dimmed and hatched; merged tokens are joined to the token they went into. Hold &lt;b&gt;Space&lt;/b&gt; to see the image alone.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Compare&lt;/b&gt; (Ctrl+D) answers with a second method or budget on the same encoding. The &lt;b&gt;Sweep&lt;/b&gt; tab runs methods × budgets over a dataset and plots quality against tokens and latency.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;L’image est découpée en tuiles&lt;/b&gt; (plus une vignette de l’image entière). Chaque tuile devient des jetons visuels : 16 par tuile de 112 px à &lt;b&gt;1/4&lt;/b&gt; (contour bleu, tous les détails) ou 4 à &lt;b&gt;1/16&lt;/b&gt; (orange, compressée).&lt;/p&gt;&lt;p&gt;&lt;b&gt;p&lt;/b&gt; sur une tuile est la probabilité, selon le routeur ViR, que la tuile puisse être compressée. Le routeur envoie une tuile à 1/16 quand p dépasse le quantile et le seuil absolu que nomme la légende.&lt;/p&gt;&lt;p&gt;Les &lt;b&gt;méthodes de jetons&lt;/b&gt; gardent ensuite une part des jetons, le &lt;b&gt;budget&lt;/b&gt; : k = max(1, ⌊b·N⌋) des N jetons. Leurs scores forment la carte de chaleur ; les jetons écartés sont assombris et hachurés ; les jetons fusionnés sont reliés au jeton qu’ils ont rejoint. Maintenez &lt;b&gt;Espace&lt;/b&gt; pour voir l’image seule.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Comparer&lt;/b&gt; (Ctrl+D) répond avec une seconde méthode ou un second budget sur le même encodage. L’onglet &lt;b&gt;Balayage&lt;/b&gt; exécute méthodes × budgets sur un jeu de données et trace la qualité selon les jetons et la latence.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::MethodPanel</name>
    <message>
        <source>every tile at 1/4 (full)</source>
        <translation>toutes les tuiles à 1/4 (complet)</translation>
    </message>
    <message>
        <source>ViR router</source>
        <translation>routeur ViR</translation>
    </message>
    <message>
        <source>ViR down to the budget</source>
        <translation>ViR réduit au budget</translation>
    </message>
    <message>
        <source>every tile at 1/16</source>
        <translation>toutes les tuiles à 1/16</translation>
    </message>
    <message>
        <source>fewer tiles (downsample)</source>
        <translation>moins de tuiles (sous-échantillonnage)</translation>
    </message>
    <message>
        <source>Live: re-run on every change</source>
        <translation>En direct : relancer à chaque modification</translation>
    </message>
    <message>
        <source>keep every token</source>
        <translation>conserver tous les jetons</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Tile ratios:</source>
        <translation>Ratios des tuiles :</translation>
    </message>
    <message>
        <source>Tokens:</source>
        <translation>Jetons :</translation>
    </message>
    <message>
        <source>Budget:</source>
        <translation>Budget :</translation>
    </message>
    <message>
        <source>model (%1)</source>
        <translation>modèle (%1)</translation>
    </message>
    <message>
        <source>Share of the connector tokens kept (k = max(1, ⌊b·N⌋)); for “ViR down to the budget”, the share of tokens the tiles may produce.</source>
        <translation>Part des jetons du connecteur conservés (k = max(1, ⌊b·N⌋)) ; pour « ViR réduit au budget », la part des jetons que les tuiles peuvent produire.</translation>
    </message>
    <message>
        <source>Relative threshold (quantile):</source>
        <translation>Seuil relatif (quantile) :</translation>
    </message>
    <message>
        <source>Absolute threshold:</source>
        <translation>Seuil absolu :</translation>
    </message>
    <message>
        <source>Pruning layer (K):</source>
        <translation>Couche d’élagage (K) :</translation>
    </message>
    <message>
        <source>Random seed:</source>
        <translation>Graine aléatoire :</translation>
    </message>
    <message>
        <source>Stages:</source>
        <translation>Étapes :</translation>
    </message>
    <message>
        <source>Attention from:</source>
        <translation>Attention depuis :</translation>
    </message>
    <message>
        <source>Relevance to:</source>
        <translation>Pertinence pour :</translation>
    </message>
    <message>
        <source>Ratio per stage (λ):</source>
        <translation>Ratio par étape (λ) :</translation>
    </message>
    <message>
        <source>Contextual share:</source>
        <translation>Part contextuelle :</translation>
    </message>
    <message>
        <source>Important share:</source>
        <translation>Part importante :</translation>
    </message>
    <message>
        <source>Token methods run after full tiles or the ViR router only.</source>
        <translation>Les méthodes de jetons ne s’appliquent qu’après les tuiles complètes ou le routeur ViR.</translation>
    </message>
    <message>
        <source>No budget: every token of the tiles is kept. Choose a token method to keep a share of them.</source>
        <translation>Pas de budget : tous les jetons des tuiles sont conservés. Choisissez une méthode de jetons pour n’en garder qu’une part.</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::QuestionPanel</name>
    <message>
        <source>Ask</source>
        <translation>Demander</translation>
    </message>
    <message>
        <source>Ask a question about the image…</source>
        <translation>Posez une question sur l&apos;image…</translation>
    </message>
    <message>
        <source>Run the model on the image and the question (Ctrl+Return)</source>
        <translation>Exécuter le modèle sur l&apos;image et la question (Ctrl+Entrée)</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::StageTimingChart</name>
    <message>
        <source>tiling</source>
        <translation>découpage</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>encodeur</translation>
    </message>
    <message>
        <source>router</source>
        <translation>routeur</translation>
    </message>
    <message>
        <source>connector</source>
        <translation>connecteur</translation>
    </message>
    <message>
        <source>selection</source>
        <translation>sélection</translation>
    </message>
    <message>
        <source>prefill</source>
        <translation>préremplissage</translation>
    </message>
    <message>
        <source>decode</source>
        <translation>décodage</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>milliseconds</source>
        <translation>millisecondes</translation>
    </message>
    <message>
        <source>Stage timings: total %1 ms</source>
        <translation>Durées des étapes : total %1 ms</translation>
    </message>
    <message>
        <source>Stage timings (no run yet)</source>
        <translation>Durées des étapes (aucune exécution)</translation>
    </message>
    <message>
        <source>Every token reaches the LLM: compression cannot speed this prefill up.</source>
        <translation>Chaque jeton atteint le LLM : la compression ne peut pas accélérer ce préremplissage.</translation>
    </message>
    <message>
        <source>The encoder is %1% of this prefill: these tokens cannot make it more than %2× faster (%3× in the LLM).</source>
        <translation>L’encodeur représente %1 % de ce préremplissage : ces jetons ne peuvent pas le rendre plus de %2× plus rapide (%3× dans le LLM).</translation>
    </message>
    <message>
        <source>Stage timings of %1: total %2 ms</source>
        <translation>Durées des étapes pour %1 : total %2 ms</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::SweepPanel</name>
    <message>
        <source>Run Sweep</source>
        <translation>Lancer le balayage</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Finished: %1 cells run, %2 resumed → %3</source>
        <translation>Terminé : %1 cellules exécutées, %2 reprises → %3</translation>
    </message>
    <message>
        <source>Cancelled. The cells finished so far are kept; Run Sweep again resumes.</source>
        <translation>Annulé. Les cellules déjà terminées sont conservées ; relancer le balayage reprend là où il s&apos;est arrêté.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Balayage</translation>
    </message>
    <message>
        <source>dataset.jsonl (docs/dataset-format.md)</source>
        <translation>dataset.jsonl (docs/dataset-format.md)</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Choose a dataset file</source>
        <translation>Choisir un fichier de jeu de données</translation>
    </message>
    <message>
        <source>Dataset:</source>
        <translation>Jeu de données :</translation>
    </message>
    <message>
        <source>Methods:</source>
        <translation>Méthodes :</translation>
    </message>
    <message>
        <source>Comma-separated budgets in (0, 1]; full tokens (none at 1) is always included</source>
        <translation>Budgets dans (0, 1], séparés par des virgules ; les jetons complets (none à 1) sont toujours inclus</translation>
    </message>
    <message>
        <source>Budgets:</source>
        <translation>Budgets :</translation>
    </message>
    <message>
        <source>all samples</source>
        <translation>tous les échantillons</translation>
    </message>
    <message>
        <source>Samples:</source>
        <translation>Échantillons :</translation>
    </message>
    <message>
        <source>output folder (resumed if it holds this sweep)</source>
        <translation>dossier de sortie (repris s&apos;il contient ce balayage)</translation>
    </message>
    <message>
        <source>Choose the output folder</source>
        <translation>Choisir le dossier de sortie</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>Sortie :</translation>
    </message>
    <message>
        <source>Export Figures…</source>
        <translation>Exporter les figures…</translation>
    </message>
    <message>
        <source>Export Summary…</source>
        <translation>Exporter le résumé…</translation>
    </message>
    <message>
        <source>Copy Summary</source>
        <translation>Copier le résumé</translation>
    </message>
    <message>
        <source>Export Figures To</source>
        <translation>Exporter les figures vers</translation>
    </message>
    <message>
        <source>Export Summary To</source>
        <translation>Exporter le résumé vers</translation>
    </message>
    <message>
        <source>Score vs kept tokens</source>
        <translation>Score selon les jetons conservés</translation>
    </message>
    <message>
        <source>Prefill vs budget</source>
        <translation>Préremplissage selon le budget</translation>
    </message>
    <message>
        <source>Quality–latency</source>
        <translation>Qualité–latence</translation>
    </message>
    <message>
        <source>Filter samples…</source>
        <translation>Filtrer les échantillons…</translation>
    </message>
    <message>
        <source>Double-click (or Return on) a sample to see it on the canvas with its method and budget</source>
        <translation>Double-cliquez sur un échantillon (ou appuyez sur Entrée) pour l&apos;afficher sur le canevas avec sa méthode et son budget</translation>
    </message>
    <message>
        <source>Cancelling after the current cell…</source>
        <translation>Annulation après la cellule en cours…</translation>
    </message>
    <message>
        <source>%1 / %2 cells</source>
        <translation>%1 / %2 cellules</translation>
    </message>
    <message>
        <source> (%1 resumed)</source>
        <translation> (%1 reprises)</translation>
    </message>
    <message>
        <source> · elapsed %1</source>
        <translation> · écoulé %1</translation>
    </message>
    <message>
        <source> · ETA %1</source>
        <translation> · reste %1</translation>
    </message>
    <message>
        <source>Open a model first</source>
        <translation>Ouvrez d&apos;abord un modèle</translation>
    </message>
    <message>
        <source>Run on %1</source>
        <translation>Exécuter sur %1</translation>
    </message>
    <message numerus="yes">
        <source>Opened %1: %n cell(s)</source>
        <translation>
            <numerusform>%1 ouvert : %n cellule</numerusform>
            <numerusform>%1 ouvert : %n cellules</numerusform>
        </translation>
    </message>
    <message>
        <source>All samples (%1)</source>
        <translation>Tous les échantillons (%1)</translation>
    </message>
    <message>
        <source>%1 at budget %2 (%3 samples)</source>
        <translation>%1 au budget %2 (%3 échantillons)</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>Écrit : %1</translation>
    </message>
    <message>
        <source>Wrote summary.csv and summary.json to %1</source>
        <translation>summary.csv et summary.json écrits dans %1</translation>
    </message>
    <message>
        <source>Choose Dataset</source>
        <translation>Choisir le jeu de données</translation>
    </message>
    <message>
        <source>Sweep datasets (*.jsonl);;All files (*)</source>
        <translation>Jeux de données de balayage (*.jsonl);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Sweep Output Folder</source>
        <translation>Dossier de sortie du balayage</translation>
    </message>
    <message>
        <source>Export Samples CSV…</source>
        <translation>Exporter les échantillons en CSV…</translation>
    </message>
    <message>
        <source>Export Samples</source>
        <translation>Exporter les échantillons</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>%1: cannot be written (%2)</source>
        <translation>%1 : écriture impossible (%2)</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n sample(s) to %1</source>
        <translation>
            <numerusform>%n échantillon écrit dans %1</numerusform>
            <numerusform>%n échantillons écrits dans %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking the dataset…</source>
        <translation>Vérification du jeu de données…</translation>
    </message>
    <message>
        <source>There is no model loaded: open a model folder first.</source>
        <translation>Aucun modèle n’est chargé : ouvrez d’abord un dossier de modèle.</translation>
    </message>
    <message>
        <source>Choose a dataset file (JSONL, see docs/dataset-format.md).</source>
        <translation>Choisissez un fichier de jeu de données (JSONL, voir docs/dataset-format.md).</translation>
    </message>
    <message>
        <source>Choose an output folder.</source>
        <translation>Choisissez un dossier de sortie.</translation>
    </message>
    <message>
        <source>Tick at least one method.</source>
        <translation>Cochez au moins une méthode.</translation>
    </message>
    <message>
        <source>Sweep: %1</source>
        <translation>Balayage : %1</translation>
    </message>
    <message>
        <source>Methods: %1</source>
        <translation>Méthodes : %1</translation>
    </message>
    <message>
        <source>Budgets: %1</source>
        <translation>Budgets : %1</translation>
    </message>
    <message>
        <source>Show All Cells</source>
        <translation>Afficher toutes les cellules</translation>
    </message>
    <message>
        <source>List the samples of every method and budget, not only the point clicked</source>
        <translation>Lister les échantillons de toutes les méthodes et de tous les budgets, pas seulement du point cliqué</translation>
    </message>
    <message>
        <source>, filtered by “%1”</source>
        <translation>, filtrés par « %1 »</translation>
    </message>
    <message numerus="yes">
        <source>Copied the summary table (%n row(s)) to the clipboard.</source>
        <translation>
            <numerusform>Table de synthèse copiée (%n ligne) dans le presse-papiers.</numerusform>
            <numerusform>Table de synthèse copiée (%n lignes) dans le presse-papiers.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::SweepPlotView</name>
    <message>
        <source>%1 at budget %2
%3 %4 [%5, %6] (n = %7), %8 of full
kept tokens %9 (%10%)
prefill %11 ms, total %12 ms</source>
        <translation>%1 au budget %2
%3 %4 [%5, %6] (n = %7), %8 du score complet
jetons conservés %9 (%10 %)
préremplissage %11 ms, total %12 ms</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::SweepRecordsModel</name>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Échantillon</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Référence</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Kept tokens</source>
        <translation>Jetons conservés</translation>
    </message>
    <message>
        <source>Kept %</source>
        <translation>% conservés</translation>
    </message>
    <message>
        <source>Prefill ms</source>
        <translation>Préremplissage ms</translation>
    </message>
    <message>
        <source>Total ms</source>
        <translation>Total ms</translation>
    </message>
</context>
<context>
    <name>tokenscope::widgets::WorkIndicator</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>%1 %p%</source>
        <translation>%1 %p %</translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>démarrage…</translation>
    </message>
</context>
</TS>
